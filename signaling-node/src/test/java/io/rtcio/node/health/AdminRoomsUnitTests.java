package io.rtcio.node.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /admin/rooms}: bounded by its limit, which is checked. */
class AdminRoomsUnitTests {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ManagementServer server = new ManagementServer("127.0.0.1", 0, new ManagementRoutes(
            ManagementRoutes.Check::ok, ManagementRoutes.Check::ok, () -> "", limit -> Map.of("limit", limit)));

    AdminRoomsUnitTests() {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldPassTheLimitOnAndDefaultIt() throws Exception {
        HttpResponse<String> limited = get("/admin/rooms?limit=3");
        assertThat(limited.statusCode()).isEqualTo(200);
        assertThat(limited.body()).isEqualTo("{\"limit\":3}");
        assertThat(limited.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(get("/admin/rooms").body()).isEqualTo("{\"limit\":" + ManagementRoutes.DEFAULT_ROOM_LIMIT + "}");
        assertThat(get("/admin/rooms?limit=" + ManagementRoutes.MAX_ROOM_LIMIT).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseALimitOutOfBounds() throws Exception {
        for (String limit : new String[] {"0", "-1", "501", "many", ""}) {
            assertThat(get("/admin/rooms?limit=" + limit).statusCode()).as(limit).isEqualTo(400);
        }
        assertThat(get("/admin/other").statusCode()).isEqualTo(404);
    }
}
