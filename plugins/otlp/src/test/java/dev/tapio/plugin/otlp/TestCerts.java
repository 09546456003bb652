package dev.tapio.plugin.otlp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI made by the real openssl: a CA, a server certificate for localhost and
 * 127.0.0.1, a client certificate from the same CA, and a second CA with its own client, whose
 * certificates the first trusts for nothing. Keys in the forms found in the wild: PKCS#8 EC,
 * PKCS#1 RSA, SEC1 EC. Made once per JVM; test-thread use.
 */
final class TestCerts {
  final Path dir;
  final Path ca;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;
  final Path otherCa;
  final Path otherClientCert;
  final Path otherClientKey;
  /** A server certificate whose key is PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}). */
  final Path rsaServerCert;
  final Path rsaServerKey;
  /** A server certificate whose key is SEC1 EC ({@code BEGIN EC PRIVATE KEY}). */
  final Path sec1ServerCert;
  final Path sec1ServerKey;

  private static TestCerts instance;

  /** The PKI, made on first use; skips the calling test with the reason when openssl is missing. */
  static synchronized TestCerts get() throws Exception {
    if (instance == null) {
      boolean hasOpenssl;
      try {
        hasOpenssl = new ProcessBuilder("openssl", "version").start().waitFor() == 0;
      } catch (IOException e) {
        hasOpenssl = false;
      }
      assumeTrue(hasOpenssl, "openssl is not installed: it makes the TLS tests' certificates"
          + " (./tapio test installs it)");
      instance = new TestCerts(Files.createTempDirectory("tapio-tls"));
    }
    return instance;
  }

  private TestCerts(Path dir) throws Exception {
    this.dir = dir;
    ca = selfSigned("ca", "Tapio Test CA");
    otherCa = selfSigned("other-ca", "Some Other CA");
    Files.writeString(dir.resolve("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    serverKey = ecKey("server");
    serverCert = sign("server", "localhost", "ca", "server.ext");
    clientKey = ecKey("client");
    clientCert = sign("client", "tapio-agent", "ca", "client.ext");
    otherClientKey = ecKey("other-client");
    otherClientCert = sign("other-client", "intruder", "other-ca", "client.ext");
    rsaServerKey = dir.resolve("rsa-server.key");
    openssl("genrsa", "-traditional", "-out", rsaServerKey.toString(), "2048");
    rsaServerCert = sign("rsa-server", "localhost", "ca", "server.ext");
    sec1ServerKey = dir.resolve("sec1-server.key");
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out",
        sec1ServerKey.toString());
    sec1ServerCert = sign("sec1-server", "localhost", "ca", "server.ext");
  }

  private Path selfSigned(String name, String cn) throws Exception {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve(name + ".key").toString(), "-out",
        dir.resolve(name + ".pem").toString(), "-days", "2", "-subj", "/CN=" + cn);
    return dir.resolve(name + ".pem");
  }

  private Path ecKey(String name) throws Exception {
    Path key = dir.resolve(name + ".key");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out",
        key.toString());
    return key;
  }

  /** Signs {@code name}.key's certificate request with {@code issuer}; returns the cert. */
  private Path sign(String name, String cn, String issuer, String ext) throws Exception {
    Path csr = dir.resolve(name + ".csr");
    openssl("req", "-new", "-key", dir.resolve(name + ".key").toString(), "-out",
        csr.toString(), "-subj", "/CN=" + cn);
    Path cert = dir.resolve(name + ".pem");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(issuer + ".pem").toString(),
        "-CAkey", dir.resolve(issuer + ".key").toString(), "-CAcreateserial", "-out",
        cert.toString(), "-days", "2", "-extfile", dir.resolve(ext).toString());
    return cert;
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }
}
