package dev.tapio.plugin.otlp;

import dev.tapio.config.ConfigProblems;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the TLS contexts of the OTLP servers and clients from PEM files: a JDK
 * {@link SSLContext} for the HTTP side (the receiver's Netty server, {@link Http1Client}) and a
 * Netty {@link SslContext} for gRPC, both on the JDK's TLS provider so that both sides behave
 * alike. Certificates are read once, at start; a rotated certificate needs a restart.
 *
 * <p>Private keys: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE
 * KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}), the forms openssl and cert-manager write.
 * Encrypted keys are refused with a message saying how to convert them.
 *
 * <p>Stateless; every method is safe from any thread. Failures are {@link IOException}s whose
 * message names the file and what is wrong with it.
 */
final class TlsContexts {
  private TlsContexts() {}

  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----([^-]*)-----END \\1PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];
  /** DER of AlgorithmIdentifier{rsaEncryption, NULL}. */
  private static final byte[] RSA_ALGORITHM = {0x30, 0x0D, 0x06, 0x09, 0x2A, (byte) 0x86, 0x48,
      (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** DER of OID id-ecPublicKey (1.2.840.10045.2.1). */
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48,
      (byte) 0xCE, 0x3D, 0x02, 0x01};

  /** {@code min_version} / {@code max_version} values and the JDK protocol names. */
  static void checkVersions(ConfigProblems problems, String prefix, String min, String max) {
    int lo = rank(min);
    int hi = rank(max);
    if (lo < 0) {
      problems.error(prefix + "min_version", "must be 1.2 or 1.3, got '" + min + "'"
          + (min.equals("1.0") || min.equals("1.1") ? " (the JDK disables TLS 1.0 and 1.1)"
              : ""));
    }
    if (hi < 0) {
      problems.error(prefix + "max_version", "must be 1.2 or 1.3, got '" + max + "'");
    }
    if (lo >= 0 && hi >= 0 && lo > hi) {
      problems.error(prefix + "min_version", "must not be newer than max_version");
    }
  }

  private static int rank(String version) {
    return switch (version) {
      case "1.2" -> 2;
      case "1.3" -> 3;
      default -> -1;
    };
  }

  private static String[] protocols(String min, String max) {
    List<String> out = new ArrayList<>(2);
    for (int v = rank(min); v <= rank(max); v++) {
      out.add("TLSv1." + v);
    }
    return out.toArray(String[]::new);
  }

  /** The HTTP server's context. {@link #serverProtocols} and {@link TlsServerSettings#mutual}
   * say how to configure each connection. */
  static SSLContext jdkServer(TlsServerSettings s) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(s.certFile(), s.keyFile()).getKeyManagers(),
          s.mutual() ? trustManagers(s.clientCaFile()).getTrustManagers() : null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS from " + s.certFile() + ": " + e.getMessage(), e);
    }
  }

  static String[] serverProtocols(TlsServerSettings s) {
    return protocols(s.minVersion(), s.maxVersion());
  }

  static String[] clientProtocols(TlsClientSettings c) {
    return protocols(c.minVersion(), c.maxVersion());
  }

  /** The gRPC server's context: ALPN h2, client certificates required when mutual. */
  static SslContext nettyServer(TlsServerSettings s) throws IOException {
    SslContextBuilder builder = SslContextBuilder.forServer(keyManagers(s.certFile(),
        s.keyFile()));
    if (s.mutual()) {
      builder.trustManager(trustManagers(s.clientCaFile())).clientAuth(ClientAuth.REQUIRE);
    }
    builder.protocols(serverProtocols(s));
    return GrpcSslContexts.configure(builder, SslProvider.JDK).build();
  }

  /** The HTTP client's context. */
  static SSLContext jdkClient(TlsClientSettings c) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(c.certFile().isEmpty() ? null
              : keyManagers(c.certFile(), c.keyFile()).getKeyManagers(),
          clientTrust(c), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** The gRPC client's context. */
  static SslContext nettyClient(TlsClientSettings c) throws IOException {
    SslContextBuilder builder = SslContextBuilder.forClient();
    TrustManager[] trust = clientTrust(c);
    if (trust != null) {
      builder.trustManager(trust[0]);
    }
    if (!c.certFile().isEmpty()) {
      builder.keyManager(keyManagers(c.certFile(), c.keyFile()));
    }
    builder.protocols(clientProtocols(c));
    return GrpcSslContexts.configure(builder, SslProvider.JDK).build();
  }

  /** Null for the JDK's default roots. */
  private static TrustManager[] clientTrust(TlsClientSettings c) throws IOException {
    if (c.insecureSkipVerify()) {
      return new TrustManager[] {TrustEverything.INSTANCE};
    }
    return c.caFile().isEmpty() ? null : trustManagers(c.caFile()).getTrustManagers();
  }

  private static KeyManagerFactory keyManagers(String certFile, String keyFile)
      throws IOException {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    if (!signsFor(key, chain.getFirst())) {
      throw new IOException("the key in " + keyFile + " is not the key of the certificate in "
          + certFile + " (the first certificate there must be the one the key belongs to)");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("tapio", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, NO_PASSWORD);
      return factory;
    } catch (GeneralSecurityException e) {
      throw new IOException("the key in " + keyFile + " does not go with the certificate in "
          + certFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code key} is the private half of the certificate's public key, by signing a few
   * bytes and verifying them: the key store does not check, and a mismatch would otherwise only
   * show as handshake failures on the clients' side.
   */
  private static boolean signsFor(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return true; // Left to the handshake.
    }
    try {
      byte[] probe = "tapio".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key with an RSA certificate
    }
  }

  private static TrustManagerFactory trustManagers(String caFile) throws IOException {
    List<X509Certificate> cas = certificates(caFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates in " + caFile + ": "
          + e.getMessage(), e);
    }
  }

  /** Every certificate in a PEM file, in order; at least one. */
  static List<X509Certificate> certificates(String file) throws IOException {
    byte[] pem = read(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The private key in a PEM file. */
  static PrivateKey privateKey(String file) throws IOException {
    String pem = new String(read(file), StandardCharsets.US_ASCII);
    if (pem.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new IOException(file + " holds an encrypted private key; decrypt it first:"
          + " openssl pkey -in " + file + " -out key.pem");
    }
    Matcher m = PEM_KEY.matcher(pem);
    if (!m.find()) {
      throw new IOException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    String kind = m.group(1).trim();
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2).trim());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the private key is not valid base64", e);
    }
    byte[] pkcs8 = switch (kind) {
      case "" -> der;
      case "RSA" -> sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALGORITHM,
          tagged(0x04, der));
      case "EC" -> sec1ToPkcs8(der, file);
      case "ENCRYPTED" -> throw new IOException(file + " holds an encrypted private key; decrypt"
          + " it first: openssl pkcs8 -in " + file + " -out key.pem");
      default -> throw new IOException(file + ": unsupported key type '" + kind
          + " PRIVATE KEY'; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file);
    };
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // Try the next algorithm: PKCS#8 names its algorithm inside, the JDK wants it outside.
      }
    }
    throw new IOException(file + " holds a private key of an unsupported algorithm or a"
        + " damaged one");
  }

  /**
   * SEC1 {@code ECPrivateKey{version, key, [0] curve, [1] public}} to PKCS#8, whose algorithm
   * identifier carries the curve taken from the {@code [0]} field.
   */
  private static byte[] sec1ToPkcs8(byte[] sec1, String file) throws IOException {
    try {
      int[] pos = {0};
      expect(sec1, pos, 0x30);
      length(sec1, pos);
      while (pos[0] < sec1.length) {
        int tag = sec1[pos[0]++] & 0xFF;
        int len = length(sec1, pos);
        if (tag == 0xA0) {
          byte[] curve = java.util.Arrays.copyOfRange(sec1, pos[0], pos[0] + len);
          return sequence(new byte[] {0x02, 0x01, 0x00}, sequence(EC_PUBLIC_KEY_OID, curve),
              tagged(0x04, sec1));
        }
        pos[0] += len;
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      // Falls through to the error below.
    }
    throw new IOException(file + ": the EC private key names no curve; convert it to PKCS#8:"
        + " openssl pkcs8 -topk8 -nocrypt -in " + file);
  }

  private static void expect(byte[] der, int[] pos, int tag) {
    if ((der[pos[0]++] & 0xFF) != tag) {
      throw new ArrayIndexOutOfBoundsException("unexpected DER tag");
    }
  }

  private static int length(byte[] der, int[] pos) {
    int first = der[pos[0]++] & 0xFF;
    if (first < 0x80) {
      return first;
    }
    int n = 0;
    for (int i = 0; i < (first & 0x7F); i++) {
      n = n << 8 | der[pos[0]++] & 0xFF;
    }
    return n;
  }

  private static byte[] sequence(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] body = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, body, at, p.length);
      at += p.length;
    }
    return tagged(0x30, body);
  }

  private static byte[] tagged(int tag, byte[] body) {
    int n = body.length;
    int lengthBytes = n < 0x80 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
    byte[] out = new byte[2 + lengthBytes + n];
    out[0] = (byte) tag;
    if (lengthBytes == 0) {
      out[1] = (byte) n;
    } else {
      out[1] = (byte) (0x80 | lengthBytes);
      for (int i = 0; i < lengthBytes; i++) {
        out[2 + i] = (byte) (n >>> 8 * (lengthBytes - 1 - i));
      }
    }
    System.arraycopy(body, 0, out, 2 + lengthBytes, n);
    return out;
  }

  private static byte[] read(String file) throws IOException {
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * {@code insecure_skip_verify}: accepts any server certificate and name. An extended trust
   * manager, because the JDK wraps a plain one in a name check of its own.
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    static final TrustEverything INSTANCE = new TrustEverything();

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
