package dev.tapio.otlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OTLP JSON through protobuf's own JsonFormat, the independent peer: parses OTLP JSON lines and
 * prints official messages as OTLP JSON. Shared with other modules' tests through this module's
 * test jar.
 *
 * <p>OTLP JSON departs from the proto3 JSON mapping in one place: trace and span ids are hex,
 * where proto3 JSON (and so JsonFormat) uses base64 for {@code bytes}. So before parsing, each id
 * is checked to be lowercase hex of the right length and rewritten as base64; after printing,
 * each id is rewritten from base64 to hex. Everything else is parsed or printed exactly as is.
 * Unknown keys fail the parse, which catches misspelt field names.
 */
public final class OtlpJson {
  private static final Pattern ID = Pattern.compile(
      "\"(traceId|spanId|parentSpanId|trace_id|span_id|parent_span_id)\":\"([^\"]*)\"");

  private OtlpJson() {}

  /** OTLP JSON (hex ids) to what JsonFormat parses (base64 ids). */
  public static String idsToBase64(String line) {
    return rewriteIds(line, (name, hex) -> {
      int expected = name.startsWith("trace") ? 32 : 16;
      assertTrue(hex.matches("[0-9a-f]{" + expected + "}"),
          name + " must be " + expected + " lowercase hex digits: " + hex);
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    });
  }

  /** What JsonFormat prints (base64 ids) to OTLP JSON (hex ids). */
  public static String idsToHex(String printed) {
    return rewriteIds(printed,
        (name, base64) -> HexFormat.of().formatHex(Base64.getDecoder().decode(base64)));
  }

  private static String rewriteIds(String json, IdRewrite rewrite) {
    Matcher m = ID.matcher(json);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(
          "\"" + m.group(1) + "\":\"" + rewrite.apply(m.group(1), m.group(2)) + "\""));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private interface IdRewrite {
    String apply(String name, String value);
  }

  public static ExportLogsServiceRequest logs(String line) throws InvalidProtocolBufferException {
    return parse(line, ExportLogsServiceRequest.newBuilder());
  }

  public static ExportMetricsServiceRequest metrics(String line)
      throws InvalidProtocolBufferException {
    return parse(line, ExportMetricsServiceRequest.newBuilder());
  }

  public static ExportTraceServiceRequest traces(String line)
      throws InvalidProtocolBufferException {
    return parse(line, ExportTraceServiceRequest.newBuilder());
  }

  /**
   * {@code message} printed by JsonFormat on one line, ids in hex. {@code options} picks the
   * printer's variant (proto field names, enums as numbers…).
   */
  public static String print(MessageOrBuilder message, UnaryOperator<JsonFormat.Printer> options)
      throws InvalidProtocolBufferException {
    return idsToHex(options.apply(JsonFormat.printer().omittingInsignificantWhitespace())
        .print(message));
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M parse(String line, Message.Builder builder)
      throws InvalidProtocolBufferException {
    JsonFormat.parser().merge(idsToBase64(line), builder);
    return (M) builder.build();
  }
}
