package tp0.lottery.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import tp0.lottery.config.ConfigException;
import tp0.lottery.config.IniFile;
import tp0.lottery.config.ServerSettings;

/**
 * {@code lottery healthcheck}: asks the server running from this folder (its config.ini and
 * environment say where its HTTP port is) for {@code GET /health/ready}, and exits 0 when ready,
 * 1 otherwise — the container healthcheck. Plain sockets from java.base, so it runs wherever
 * the jar runs (the official JRE image and the slim stand-in alike, neither needing curl or
 * wget). With the HTTP port off there is nothing to ask: exit 0 once the settings are valid.
 */
public final class HealthProbe {

    public static final String COMMAND = "healthcheck";
    private static final int TIMEOUT_MILLIS = 3000;

    private HealthProbe() {}

    /** The exit status. */
    public static int run(Path workDir, Map<String, String> env, PrintStream out) {
        ServerSettings settings;
        try {
            settings = ServerSettings.load(IniFile.load(workDir.resolve("config.ini")), env, workDir);
        } catch (ConfigException e) {
            out.println("not ready: " + e.key() + ": " + e.getMessage());
            return 1;
        }
        if (!settings.httpEnabled()) {
            out.println("HTTP_PORT is off: nothing to ask");
            return 0;
        }
        if (settings.httpPort() == 0) {
            out.println("not ready: HTTP_PORT=any: the port is known only from the server's log");
            return 1;
        }
        String host = settings.httpHost().equals("0.0.0.0") ? "127.0.0.1" : settings.httpHost();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, settings.httpPort()), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream request = socket.getOutputStream();
            request.write(("GET /health/ready HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream response = socket.getInputStream();
            String answer = new String(response.readNBytes(8192), StandardCharsets.UTF_8);
            int bodyAt = answer.indexOf("\r\n\r\n");
            out.println(bodyAt >= 0 ? answer.substring(bodyAt + 4).strip() : answer.strip());
            return answer.startsWith("HTTP/1.1 200 ") ? 0 : 1;
        } catch (IOException e) {
            out.println("not ready: " + host + ":" + settings.httpPort() + ": " + e);
            return 1;
        }
    }
}
