package org.inwardportal.relay.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, no driver
 * binary): navigate, evaluate JavaScript. Started with the flags that work on these machines
 * (no sandbox as root, no background networking) and a fake camera and microphone.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private final List<String> consoleErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/chromium"));
    }

    public HeadlessChromium() throws Exception {
        profile = Files.createTempDirectory("chromium-profile");
        process = new ProcessBuilder(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"))
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).getFirst().trim());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String ws = null;
        for (JsonNode t : targets) if (t.path("type").asText().equals("page")) ws = t.path("webSocketDebuggerUrl").asText();
        if (ws == null) throw new IllegalStateException("no page target in Chromium");
        socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode msg = JSON.readTree(partial.toString());
                        CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asInt()) : null;
                        if (f != null) f.complete(msg);
                        if (!msg.has("id")) event(msg);
                    } catch (Exception ignored) {
                        // events we do not wait for
                    }
                    partial.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).get(5, TimeUnit.SECONDS);
        JsonNode r = f.get(30, TimeUnit.SECONDS);
        if (r.has("error")) throw new IllegalStateException(method + ": " + r.get("error"));
        return r.path("result");
    }

    // console errors, uncaught exceptions and the browser's own error log entries, once captureConsole() ran
    private void event(JsonNode msg) {
        JsonNode p = msg.path("params");
        switch (msg.path("method").asText()) {
            case "Runtime.exceptionThrown" -> consoleErrors.add("exception: " + p.path("exceptionDetails"));
            case "Runtime.consoleAPICalled" -> {
                if (p.path("type").asText().equals("error") || p.path("type").asText().equals("assert")) {
                    consoleErrors.add("console." + p.path("type").asText() + ": " + p.path("args"));
                }
            }
            case "Log.entryAdded" -> {
                if (p.path("entry").path("level").asText().equals("error")) {
                    consoleErrors.add("log: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText());
                }
            }
            default -> {
            }
        }
    }

    /** From now on, console errors, uncaught exceptions and the browser's error log are collected ({@link #consoleErrors}). */
    public void captureConsole() throws Exception {
        call("Runtime.enable", JSON.createObjectNode());
        call("Log.enable", JSON.createObjectNode());
    }

    public List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    public void clearConsoleErrors() {
        consoleErrors.clear();
    }

    /** A PNG of the page as it is shown now. */
    public byte[] screenshot() throws Exception {
        return java.util.Base64.getDecoder().decode(call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"))
                .path("data").asText());
    }

    /** Sets the window's size (a phone: e.g. 390 x 844, mobile). */
    public void viewport(int width, int height, boolean mobile) throws Exception {
        call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", mobile));
    }

    /** A real key press or release ({@code keyDown}/{@code keyUp}), as if typed on the keyboard. */
    public void key(String type, String key, String code, int keyCode) throws Exception {
        call("Input.dispatchKeyEvent", JSON.createObjectNode().put("type", type).put("key", key).put("code", code)
                .put("windowsVirtualKeyCode", keyCode).put("nativeVirtualKeyCode", keyCode));
    }

    public void navigate(String url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** Evaluates an expression in the page, awaiting a promise; returns its JSON value. */
    public JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("awaitPromise", true).put("returnByValue", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("page threw: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
