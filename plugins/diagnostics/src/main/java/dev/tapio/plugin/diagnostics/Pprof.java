package dev.tapio.plugin.diagnostics;

import com.sun.net.httpserver.HttpExchange;
import dev.tapio.component.Component;
import dev.tapio.component.ComponentContext;
import dev.tapio.component.ComponentStatus;
import dev.tapio.component.Host;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The {@code pprof} extension in the JVM's terms, at the Collector's paths under
 * {@code /debug/pprof/}: {@code goroutine} (and {@code threads}): a dump of every thread's
 * stack with its locks; {@code heap}: the class histogram of live objects (a full GC first, as
 * {@code jcmd GC.class_histogram}); {@code profile?seconds=N} (30 by default, at most 300): a
 * Java Flight Recorder recording with the JDK's {@code profile} settings for that long, as a
 * {@code .jfr} file (open it in JDK Mission Control or {@code jfr print}). {@code save_to_file}
 * records from start to shutdown into that file.
 *
 * <p>Threading: start and shutdown on the lifecycle thread; requests on the server's single
 * thread, so one recording at a time.
 */
final class Pprof implements Component {
  static final int MAX_SECONDS = 300;
  private final ComponentContext context;
  private final PprofConfig config;
  private DebugServer server;
  private Recording whole;

  Pprof(ComponentContext context, PprofConfig config) {
    this.context = context;
    this.config = config;
  }

  @Override
  public void start(Host host) throws Exception {
    if (!config.saveToFile().isEmpty()) {
      whole = new Recording(Configuration.getConfiguration("profile"));
      whole.setName("tapio pprof save_to_file");
      whole.start();
    }
    server = new DebugServer(config.endpoint(), "pprof");
    server.handle("/debug/pprof/goroutine", e -> text(e, threadDump()));
    server.handle("/debug/pprof/threads", e -> text(e, threadDump()));
    server.handle("/debug/pprof/heap", e -> text(e, heapHistogram()));
    server.handle("/debug/pprof/profile", this::profile);
    server.handle("/debug/pprof/", e -> text(e, """
        Tapio's pprof, in the JVM's terms:
          /debug/pprof/goroutine      every thread's stack and locks
          /debug/pprof/heap           class histogram of live objects
          /debug/pprof/profile?seconds=30   a JFR recording (.jfr)
        """));
    server.start();
    context.reportStatus(ComponentStatus.OK, "serving /debug/pprof/ on " + config.endpoint());
  }

  @Override
  public void shutdown() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    if (whole != null) {
      whole.stop();
      whole.dump(Path.of(config.saveToFile()));
      whole.close();
      whole = null;
    }
  }

  static String threadDump() {
    StringBuilder sb = new StringBuilder();
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      sb.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
          .append(' ').append(t.getThreadState());
      if (t.getLockName() != null) {
        sb.append(" on ").append(t.getLockName());
      }
      sb.append('\n');
      for (StackTraceElement frame : t.getStackTrace()) {
        sb.append("\tat ").append(frame).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String heapHistogram() {
    try {
      Object out = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      return String.valueOf(out);
    } catch (Exception e) {
      return "the class histogram is not available in this JVM: " + e + "\n";
    }
  }

  private void profile(HttpExchange e) throws IOException {
    try (e) {
      int seconds = 30;
      String query = e.getRequestURI().getQuery();
      if (query != null) {
        for (String pair : query.split("&")) {
          if (pair.startsWith("seconds=")) {
            try {
              seconds = Integer.parseInt(pair.substring(8));
            } catch (NumberFormatException bad) {
              seconds = -1;
            }
          }
        }
      }
      if (seconds < 1 || seconds > MAX_SECONDS) {
        DebugServer.send(e, 400, "text/plain; charset=utf-8", ("seconds must be 1 to "
            + MAX_SECONDS + "\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      Path file = Files.createTempFile("tapio-profile-", ".jfr");
      try (Recording r = new Recording(Configuration.getConfiguration("profile"))) {
        r.setName("tapio pprof profile");
        r.start();
        Thread.sleep(seconds * 1000L);
        r.stop();
        r.dump(file);
        e.getResponseHeaders().set("Content-Disposition",
            "attachment; filename=\"tapio-profile.jfr\"");
        DebugServer.send(e, 200, "application/octet-stream", Files.readAllBytes(file));
      } catch (java.text.ParseException | InterruptedException | RuntimeException failed) {
        DebugServer.send(e, 500, "text/plain; charset=utf-8", ("recording failed: " + failed
            + "\n").getBytes(StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  private static void text(HttpExchange e, String body) throws IOException {
    try (e) {
      DebugServer.send(e, 200, "text/plain; charset=utf-8",
          body.getBytes(StandardCharsets.UTF_8));
    }
  }
}
