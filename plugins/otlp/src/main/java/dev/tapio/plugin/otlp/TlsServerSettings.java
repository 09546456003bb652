package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;

/**
 * A server's {@code tls} section, with the Collector's keys: the server's certificate chain and
 * key, and, for mutual TLS, the CAs whose client certificates are accepted (a client without one
 * is refused during the handshake).
 *
 * @param certFile PEM certificate chain, server certificate first ({@code cert_file})
 * @param keyFile PEM private key of that certificate, PKCS#8 or PKCS#1 RSA ({@code key_file})
 * @param clientCaFile PEM CA certificates for client certificates; empty: no client certificate
 *     is asked for ({@code client_ca_file})
 * @param minVersion the oldest TLS version accepted, {@code 1.2} or {@code 1.3}
 *     ({@code min_version})
 * @param maxVersion the newest TLS version offered ({@code max_version})
 */
public record TlsServerSettings(String certFile, String keyFile, String clientCaFile,
    String minVersion, String maxVersion) {

  public TlsServerSettings {
    certFile = certFile == null ? "" : certFile;
    keyFile = keyFile == null ? "" : keyFile;
    clientCaFile = clientCaFile == null ? "" : clientCaFile;
    minVersion = minVersion == null || minVersion.isEmpty() ? "1.2" : minVersion;
    maxVersion = maxVersion == null || maxVersion.isEmpty() ? "1.3" : maxVersion;
  }

  /** The {@code tls} section under {@code r}, or null when there is none (plaintext). */
  static TlsServerSettings read(ConfigReader r) {
    if (!r.has("tls")) {
      return null;
    }
    ConfigReader t = r.section("tls");
    return new TlsServerSettings(t.string("cert_file", ""), t.string("key_file", ""),
        t.string("client_ca_file", ""), t.string("min_version", ""),
        t.string("max_version", ""));
  }

  boolean mutual() {
    return !clientCaFile.isEmpty();
  }

  void validate(ConfigProblems problems, String prefix) {
    if (certFile.isEmpty() || keyFile.isEmpty()) {
      problems.error(prefix + "tls", "a server needs both cert_file and key_file (PEM)");
    }
    TlsContexts.checkVersions(problems, prefix + "tls.", minVersion, maxVersion);
  }
}
