package io.rtcio.node.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.regex.Pattern;

/**
 * CORS for every HTTP request of the public port (netty-socketio's own CORS is off: it echoes any
 * origin with credentials).
 * <ul>
 *   <li>A request whose {@code Origin} is not allowed gets 403 and no CORS headers, whether it is a
 *       handshake, a polling request of an existing session, a preflight or a WebSocket upgrade.</li>
 *   <li>Preflights ({@code OPTIONS}) are answered here, so they never create an Engine.IO session.</li>
 *   <li>Responses to allowed origins carry {@code Access-Control-Allow-Origin}: the exact origin with
 *       {@code Access-Control-Allow-Credentials: true}, or {@code *} without credentials when
 *       {@code ALLOWED_ORIGINS=*}.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class CorsHandler extends ChannelDuplexHandler {

    static final String NAME = "rtcioCors";
    static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    static final int PREFLIGHT_MAX_AGE_SECONDS = 600;

    private static final AttributeKey<String> REQUEST_ORIGIN = AttributeKey.valueOf("rtcioRequestOrigin");
    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");

    private final OriginPolicy policy;
    private final Runnable onRefused;

    CorsHandler(OriginPolicy policy) {
        this(policy, () -> { });
    }

    /** {@code onRefused} runs for each request refused for its origin (counted by the metrics). */
    CorsHandler(OriginPolicy policy, Runnable onRefused) {
        this.policy = policy;
        this.onRefused = onRefused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        ctx.channel().attr(REQUEST_ORIGIN).set(origin);
        if (!policy.allows(origin)) {
            onRefused.run();
            ReferenceCountUtil.release(msg);
            FullHttpResponse forbidden = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN);
            forbidden.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            forbidden.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(forbidden).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (HttpMethod.OPTIONS.equals(request.method())) {
            String requested = request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(preflight(origin, requested));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response
                && response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            HttpHeaders headers = response.headers();
            headers.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
            headers.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS);
            allowOrigin(headers, ctx.channel().attr(REQUEST_ORIGIN).get());
            // netty-socketio closes the connection after every response it writes; saying so keeps
            // clients from sending their next request on a connection that is about to close
            // (a POST lost that way is a transport error for socket.io-client).
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(msg, promise);
    }

    private FullHttpResponse preflight(String origin, String requestedHeaders) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        HttpHeaders headers = response.headers();
        allowOrigin(headers, origin);
        if (origin != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            boolean listed = requestedHeaders != null && HEADER_LIST.matcher(requestedHeaders.trim()).matches();
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, listed ? requestedHeaders.trim() : "content-type");
            headers.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE_SECONDS);
        }
        headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    private void allowOrigin(HttpHeaders headers, String origin) {
        if (origin == null || !policy.allows(origin)) {
            return;
        }
        if (policy.exact()) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            headers.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        } else {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
    }
}
