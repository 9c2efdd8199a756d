{{- define "rtcio.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "rtcio.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "rtcio.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rtcio.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: signaling
{{- end }}

{{- define "rtcio.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "rtcio.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rtcio-cluster
{{- end }}

{{- define "rtcio.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "rtcio.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rtcio.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding secrets and key files: existingSecret or the chart's own. */}}
{{- define "rtcio.secretName" -}}
{{- default (include "rtcio.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* true when the chart writes its own Secret. */}}
{{- define "rtcio.ownSecret" -}}
{{- if and (not .Values.existingSecret) (or (eq .Values.auth.mode "hs256") (eq .Values.auth.mode "publicKey") (eq .Values.auth.mode "jwks") (and .Values.turn.enabled .Values.turn.secret) .Values.rooms.allowList .Values.metrics.rooms.key) }}true{{- end }}
{{- end }}

{{/* true when a Secret volume of key files is mounted. */}}
{{- define "rtcio.keyFiles" -}}
{{- if or (eq .Values.auth.mode "publicKey") (eq .Values.auth.mode "jwks") .Values.rooms.allowList .Values.rooms.allowListFromExistingSecret }}true{{- end }}
{{- end }}

{{- define "rtcio.redisKeyPrefix" -}}
{{- default .Release.Name .Values.redis.keyPrefix }}
{{- end }}

{{- define "rtcio.demoRedisName" -}}
{{- printf "%s-redis" (include "rtcio.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "rtcio.clustered" -}}
{{- if or .Values.redis.url .Values.redis.urlSecret.name .Values.redis.demo.enabled }}true{{- end }}
{{- end }}

{{- define "rtcio.autoscaling" -}}
{{- if or .Values.autoscaling.hpa.enabled .Values.autoscaling.keda.enabled }}true{{- end }}
{{- end }}

{{- define "rtcio.terminationGrace" -}}
{{- add .Values.lifecycle.readinessDelaySeconds .Values.lifecycle.drainSeconds .Values.lifecycle.graceMarginSeconds }}
{{- end }}

{{/* Rules JSON Schema cannot express. */}}
{{- define "rtcio.validate" -}}
{{- if le (int .Values.redis.leaseMs) (mul 2 (int .Values.redis.heartbeatMs)) }}
{{- fail "redis.leaseMs must be more than twice redis.heartbeatMs" }}
{{- end }}
{{- if lt (int64 .Values.config.maxFrameBytes) (int64 .Values.config.maxEventBytes) }}
{{- fail "config.maxFrameBytes must be at least config.maxEventBytes" }}
{{- end }}
{{- if eq (int .Values.ports.http) (int .Values.ports.management) }}
{{- fail "ports.http and ports.management must differ" }}
{{- end }}
{{- if and (gt (int .Values.replicaCount) 1) (not (include "rtcio.clustered" .)) }}
{{- fail "replicaCount > 1 needs Redis: set redis.url, redis.urlSecret.name or redis.demo.enabled" }}
{{- end }}
{{- if and (include "rtcio.autoscaling" .) (not (include "rtcio.clustered" .)) }}
{{- fail "autoscaling needs Redis: set redis.url, redis.urlSecret.name or redis.demo.enabled" }}
{{- end }}
{{- with .Values.autoscaling.hpa }}{{ if and .enabled (gt (int .minReplicas) (int .maxReplicas)) }}{{ fail "autoscaling.hpa.minReplicas exceeds maxReplicas" }}{{ end }}{{ end }}
{{- with .Values.autoscaling.keda }}{{ if and .enabled (gt (int .minReplicas) (int .maxReplicas)) }}{{ fail "autoscaling.keda.minReplicas exceeds maxReplicas" }}{{ end }}{{ end }}
{{- if and .Values.ingress.enabled (le (int .Values.ingress.proxyTimeoutSeconds) (div (add .Values.config.pingIntervalMs .Values.config.pingTimeoutMs) 1000)) }}
{{- fail "ingress.proxyTimeoutSeconds must exceed the ping interval plus timeout" }}
{{- end }}
{{- end }}
