package dev.tapio.plugin.file;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses OTLP JSON lines with protobuf's own JsonFormat, the independent decoder.
 *
 * <p>OTLP JSON departs from the proto3 JSON mapping in one place: trace and span ids are hex,
 * where proto3 JSON (and so JsonFormat) expects base64 for {@code bytes}. JsonFormat would reject
 * or misread the hex, so each id is first checked to be lowercase hex of the right length and
 * then rewritten as base64; everything else is parsed exactly as written. Unknown keys fail the
 * parse, which catches misspelt field names.
 */
final class OtlpJson {
  private static final Pattern ID =
      Pattern.compile("\"(traceId|spanId|parentSpanId)\":\"([^\"]*)\"");

  private OtlpJson() {}

  static String idsToBase64(String line) {
    Matcher m = ID.matcher(line);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String hex = m.group(2);
      int expected = m.group(1).equals("traceId") ? 32 : 16;
      assertTrue(hex.matches("[0-9a-f]{" + expected + "}"),
          m.group(1) + " must be " + expected + " lowercase hex digits: " + hex);
      String base64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
      m.appendReplacement(sb, Matcher.quoteReplacement(
          "\"" + m.group(1) + "\":\"" + base64 + "\""));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static ExportLogsServiceRequest logs(String line) throws InvalidProtocolBufferException {
    return parse(line, ExportLogsServiceRequest.newBuilder());
  }

  static ExportMetricsServiceRequest metrics(String line) throws InvalidProtocolBufferException {
    return parse(line, ExportMetricsServiceRequest.newBuilder());
  }

  static ExportTraceServiceRequest traces(String line) throws InvalidProtocolBufferException {
    return parse(line, ExportTraceServiceRequest.newBuilder());
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M parse(String line, Message.Builder builder)
      throws InvalidProtocolBufferException {
    JsonFormat.parser().merge(idsToBase64(line), builder);
    return (M) builder.build();
  }
}
