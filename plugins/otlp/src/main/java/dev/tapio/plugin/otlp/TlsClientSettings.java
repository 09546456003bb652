package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import dev.tapio.config.ConfigReader;

/**
 * A client's {@code tls} section, with the Collector's keys.
 *
 * @param insecure plaintext, no TLS at all ({@code insecure}; gRPC only, OTLP/HTTP follows the
 *     URL's scheme)
 * @param insecureSkipVerify TLS without checking the server's certificate or name
 *     ({@code insecure_skip_verify})
 * @param caFile PEM CA certificates the server's certificate must chain to; empty: the JDK's
 *     trusted roots ({@code ca_file})
 * @param certFile PEM client certificate chain for mutual TLS, empty for none ({@code cert_file})
 * @param keyFile PEM private key of the client certificate ({@code key_file})
 * @param serverNameOverride the name the server's certificate is checked against instead of the
 *     endpoint's host ({@code server_name_override}; gRPC only)
 * @param minVersion the oldest TLS version offered, {@code 1.2} or {@code 1.3}
 * @param maxVersion the newest TLS version offered
 */
public record TlsClientSettings(boolean insecure, boolean insecureSkipVerify, String caFile,
    String certFile, String keyFile, String serverNameOverride, String minVersion,
    String maxVersion) {

  /** TLS with the JDK's trusted roots: the Collector's default for gRPC. */
  static final TlsClientSettings DEFAULT =
      new TlsClientSettings(false, false, "", "", "", "", "1.2", "1.3");
  /** Plaintext ({@code tls.insecure: true}). */
  static final TlsClientSettings PLAINTEXT =
      new TlsClientSettings(true, false, "", "", "", "", "1.2", "1.3");

  public TlsClientSettings {
    caFile = caFile == null ? "" : caFile;
    certFile = certFile == null ? "" : certFile;
    keyFile = keyFile == null ? "" : keyFile;
    serverNameOverride = serverNameOverride == null ? "" : serverNameOverride;
    minVersion = minVersion == null || minVersion.isEmpty() ? "1.2" : minVersion;
    maxVersion = maxVersion == null || maxVersion.isEmpty() ? "1.3" : maxVersion;
  }

  /** Reads the {@code tls} section under {@code r}, every key, with {@code d} as defaults. */
  static TlsClientSettings read(ConfigReader r, TlsClientSettings d) {
    ConfigReader t = r.section("tls");
    return new TlsClientSettings(t.bool("insecure", d.insecure()),
        t.bool("insecure_skip_verify", d.insecureSkipVerify()), t.string("ca_file", d.caFile()),
        t.string("cert_file", d.certFile()), t.string("key_file", d.keyFile()),
        t.string("server_name_override", d.serverNameOverride()),
        t.string("min_version", d.minVersion()), t.string("max_version", d.maxVersion()));
  }

  /** These settings with {@code insecure} replaced. */
  TlsClientSettings withInsecure(boolean plaintext) {
    return new TlsClientSettings(plaintext, insecureSkipVerify, caFile, certFile, keyFile,
        serverNameOverride, minVersion, maxVersion);
  }

  void validate(ConfigProblems problems) {
    if (certFile.isEmpty() != keyFile.isEmpty()) {
      problems.error("tls", "cert_file and key_file go together (mutual TLS needs both)");
    }
    TlsContexts.checkVersions(problems, "tls.", minVersion, maxVersion);
  }
}
