#!/usr/bin/env bash
# Offline image smoke test: unpacks the Jib OCI tarball with umoci and runs it with runc as the chart
# does (UID 10001, read-only root filesystem, /tmp as tmpfs), then requires /ready to answer 200 and an
# Engine.IO handshake on the public port. Needs root, umoci, runc and curl (Debian packages).
#
# usage: helm/image/smoke.sh signaling-node/target/image-smoke/jib-image.tar
set -euo pipefail
image=$(readlink -f "${1:?usage: smoke.sh path/to/jib-image.tar}")
for tool in umoci runc curl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: runc needs root"; exit 77; }

work=$(mktemp -d)
id="rtcio-smoke-$$"
cleanup() {
  runc kill "$id" KILL 2>/dev/null || true
  runc delete --force "$id" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/oci"
tar -xf "$image" -C "$work/oci"
# umoci names images by a plain tag; Jib's ref name carries a repository and a colon.
python3 - "$work/oci/index.json" <<'PY'
import json, sys
p = sys.argv[1]; j = json.load(open(p))
annotations = j["manifests"][0].setdefault("annotations", {})
print("image name:", annotations.get("org.opencontainers.image.ref.name", "(none)"))
annotations["org.opencontainers.image.ref.name"] = "smoke"
json.dump(j, open(p, "w"))
PY
python3 - "$work/oci" <<'PY'
import json, sys
root = sys.argv[1]
blob = lambda d: json.load(open(f"{root}/blobs/{d.replace(':', '/')}"))
manifest = blob(json.load(open(f"{root}/index.json"))["manifests"][0]["digest"])
config = blob(manifest["config"]["digest"])["config"]
labels = config.get("Labels", {})
for key in ("org.opencontainers.image.version", "org.opencontainers.image.revision"):
    assert labels.get(key), f"label {key} missing: {labels}"
flags = config["Entrypoint"]
for flag in ("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError"):
    assert flag in flags, f"{flag} missing from {flags}"
assert config.get("User") == "10001:10001", config.get("User")
print("image: version", labels["org.opencontainers.image.version"], "revision",
      labels["org.opencontainers.image.revision"][:12], "user", config["User"])
PY
umoci unpack --image "$work/oci:smoke" "$work/bundle" >/dev/null

read -r http mgmt < <(python3 - "$work/bundle/config.json" <<'PY'
import json, socket, sys
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
http, mgmt = free(), free()
p = sys.argv[1]; c = json.load(open(p))
u = c["process"]["user"]
assert u["uid"] == 10001 and u["gid"] == 10001, f"image user is {u}, expected 10001:10001"
c["process"]["terminal"] = False
c["root"]["readonly"] = True
c["process"]["env"] += [f"PORT={http}", f"MANAGEMENT_PORT={mgmt}", "BIND_ADDRESS=127.0.0.1", "NODE_ID=smoke-1"]
# Share the host's network namespace so that the ports are reachable on loopback.
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev", "mode=1777", "size=64m"]})
json.dump(c, open(p, "w"))
print(http, mgmt)
PY
)

(cd "$work/bundle" && runc run --detach "$id" >"$work/node.log" 2>&1 </dev/null)
ok=""
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$mgmt/ready" 2>/dev/null; then ok=1; break; fi
  runc state "$id" 2>/dev/null | grep -q '"running"' || break
  sleep 0.5
done
[ -n "$ok" ] || { echo "FAIL: /ready never answered 200"; cat "$work/node.log"; exit 1; }
echo "ready: $(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mgmt/ready")"
open=$(curl -fsS "http://127.0.0.1:$http/socket.io/?EIO=4&transport=polling")
case "$open" in 0\{\"sid\":*) echo "handshake: ${open:0:40}...";; *) echo "FAIL: handshake answered $open"; exit 1;; esac
echo "user: $(runc exec "$id" id)"
if runc exec "$id" sh -c 'echo x > /probe' 2>/dev/null; then echo "FAIL: root filesystem is writable"; exit 1; fi
echo "root filesystem: read-only"
runc exec "$id" sh -c 'echo x > /tmp/probe' && echo "/tmp: writable"
echo PASS
