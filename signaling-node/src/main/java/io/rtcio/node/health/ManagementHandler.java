package io.rtcio.node.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers one management request at a time per connection; see {@link ManagementRoutes}. */
final class ManagementHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(ManagementHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String ROOMS = "/admin/rooms";

    private final ManagementRoutes routes;

    ManagementHandler(ManagementRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, null, null, false);
            return;
        }
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        boolean known = path.equals("/health") || path.equals("/ready") || path.equals("/metrics")
                || path.equals(ROOMS);
        if (!known) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, null, null, true);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null, null, true);
            return;
        }
        try {
            switch (path) {
                case "/health" -> probe(ctx, request, routes.health().get(), "up", "down");
                case "/ready" -> probe(ctx, request, routes.ready().get(), "ready", "not ready");
                case ROOMS -> rooms(ctx, request, query);
                default -> send(ctx, request, HttpResponseStatus.OK, PROMETHEUS_TYPE, routes.metrics().get(), true);
            }
        } catch (RuntimeException e) {
            log.warn("management request {} failed: {}", path, e.toString());
            send(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, null, null, false);
        }
    }

    private void rooms(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        List<String> values = query.parameters().getOrDefault("limit", List.of());
        int limit = ManagementRoutes.DEFAULT_ROOM_LIMIT;
        if (!values.isEmpty()) {
            try {
                limit = Integer.parseInt(values.get(0));
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > ManagementRoutes.MAX_ROOM_LIMIT) {
                send(ctx, request, HttpResponseStatus.BAD_REQUEST, JSON_TYPE, "{\"error\":\"limit must be between 1 and "
                        + ManagementRoutes.MAX_ROOM_LIMIT + "\"}", true);
                return;
            }
        }
        try {
            send(ctx, request, HttpResponseStatus.OK, JSON_TYPE, JSON.writeValueAsString(routes.rooms().apply(limit)), true);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void probe(ChannelHandlerContext ctx, FullHttpRequest request, ManagementRoutes.Check check,
                              String up, String down) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", check.passing() ? up : down);
        if (!check.passing() && check.reason() != null) {
            body.put("reason", check.reason());
        }
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        send(ctx, request, check.passing() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                JSON_TYPE, json, true);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                             String type, String body, boolean mayKeepAlive) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        boolean head = HttpMethod.HEAD.equals(request.method());
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (type != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (status == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("management connection failed: {}", cause.toString());
        ctx.close();
    }
}
