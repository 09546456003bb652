package dev.tapio.plugin.otlp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 response with a Content-Length, read off a raw socket. */
record RawResponse(String head, byte[] body) {
  static RawResponse read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.write(b);
    }
    RawResponse r = new RawResponse(head.toString(StandardCharsets.US_ASCII), null);
    String length = r.header("content-length");
    return new RawResponse(r.head(), in.readNBytes(length == null ? 0 : Integer.parseInt(length)));
  }

  int status() {
    return Integer.parseInt(head.substring(9, 12));
  }

  String header(String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}
