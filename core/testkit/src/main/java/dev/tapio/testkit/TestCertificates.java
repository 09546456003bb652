package dev.tapio.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PKI for tests of TLS components, made by the real openssl: a CA, a server
 * certificate for {@code localhost} and {@code 127.0.0.1}, a client certificate from the same CA,
 * and a second CA with its own client, whose certificates the first trusts for nothing. Keys in
 * the forms found in the wild: PKCS#8 EC, PKCS#1 RSA, SEC1 EC. Valid for two days.
 *
 * <p>A test that needs it checks {@link #opensslAvailable()} first and skips itself with the
 * reason when openssl is missing. Thread-safe: {@link #shared()} makes one set per JVM; the
 * files are read-only afterwards.
 */
public final class TestCertificates {
  /** The directory holding every file below. */
  public final Path dir;
  public final Path ca;
  public final Path serverCert;
  public final Path serverKey;
  public final Path clientCert;
  public final Path clientKey;
  public final Path otherCa;
  /** A client certificate signed by {@link #otherCa}, which {@link #ca} does not vouch for. */
  public final Path otherClientCert;
  public final Path otherClientKey;
  /** A server certificate whose key is PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}). */
  public final Path rsaServerCert;
  public final Path rsaServerKey;
  /** A server certificate whose key is SEC1 EC ({@code BEGIN EC PRIVATE KEY}). */
  public final Path sec1ServerCert;
  public final Path sec1ServerKey;

  private static TestCertificates instance;

  /** Whether an {@code openssl} command runs here. */
  public static boolean opensslAvailable() {
    try {
      return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The set for this JVM, made in a temporary directory on first use. */
  public static synchronized TestCertificates shared() throws IOException {
    if (instance == null) {
      instance = new TestCertificates(Files.createTempDirectory("tapio-tls"));
    }
    return instance;
  }

  /** Makes a new set in {@code dir}; fails when openssl is missing or fails. */
  public TestCertificates(Path dir) throws IOException {
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

  private Path selfSigned(String name, String cn) throws IOException {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve(name + ".key").toString(), "-out",
        dir.resolve(name + ".pem").toString(), "-days", "2", "-subj", "/CN=" + cn);
    return dir.resolve(name + ".pem");
  }

  private Path ecKey(String name) throws IOException {
    Path key = dir.resolve(name + ".key");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out",
        key.toString());
    return key;
  }

  /** Signs {@code name}.key's certificate request with {@code issuer}; returns the cert. */
  private Path sign(String name, String cn, String issuer, String ext) throws IOException {
    Path csr = dir.resolve(name + ".csr");
    openssl("req", "-new", "-key", dir.resolve(name + ".key").toString(), "-out",
        csr.toString(), "-subj", "/CN=" + cn);
    Path cert = dir.resolve(name + ".pem");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(issuer + ".pem").toString(),
        "-CAkey", dir.resolve(issuer + ".key").toString(), "-CAcreateserial", "-out",
        cert.toString(), "-days", "2", "-extfile", dir.resolve(ext).toString());
    return cert;
  }

  private void openssl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running openssl", e);
    }
  }

  /** The bytes of one of the files, e.g. for a client library that takes PEM bytes. */
  public static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }
}
