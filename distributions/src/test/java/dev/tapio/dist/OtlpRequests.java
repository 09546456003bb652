package dev.tapio.dist;

import dev.tapio.otlp.OtlpEncoder;
import dev.tapio.pdata.LogRecord;
import dev.tapio.pdata.Logs;
import dev.tapio.pdata.ScopeLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.zip.GZIPOutputStream;

/** OTLP/HTTP log requests with {@code synthetic.seq} attributes, as a plain client sends them. */
final class OtlpRequests {
  private OtlpRequests() {}

  /** A gzipped ExportLogsServiceRequest of {@code count} records numbered from {@code first}. */
  static byte[] logs(long first, int count, int bodyChars) throws IOException {
    Logs logs = new Logs();
    ScopeLogs scope = logs.resourceLogs().appendEmpty().scopeLogs().appendEmpty();
    String body = bodyChars > 0 ? "a".repeat(bodyChars) : "ordinary";
    for (int i = 0; i < count; i++) {
      LogRecord r = scope.logRecords().appendEmpty().setBody(body);
      r.attributes().putLong("synthetic.seq", first + i);
    }
    OtlpEncoder encoder = new OtlpEncoder();
    int n = encoder.encode(logs);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(encoder.buffer(), 0, n);
    }
    return gz.toByteArray();
  }

  /** POSTs to {@code /v1/logs}; returns the status code. */
  static int post(HttpClient http, int port, byte[] gzipped) throws IOException,
      InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
