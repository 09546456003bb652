package dev.tapio.plugin.k8sattributes.cri;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few {@code runtime.v1} messages of the CRI ({@code kubernetes/cri-api},
 * {@code pkg/apis/runtime/v1/api.proto}) that Tapio sends and reads, written from their field
 * numbers: no generated classes, no protobuf-java at runtime. Fields not listed are skipped, as
 * protobuf requires, so newer runtimes' additions do no harm. Stateless.
 */
final class CriMessages {
  private CriMessages() {}

  /** The kubelet's labels on every container and sandbox it creates. */
  static final String POD_UID = "io.kubernetes.pod.uid";
  static final String POD_NAME = "io.kubernetes.pod.name";
  static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String CONTAINER_NAME = "io.kubernetes.container.name";

  /** {@code VersionResponse}. */
  record Version(String version, String runtimeName, String runtimeVersion,
      String runtimeApiVersion) {}

  /**
   * A container as {@code Container} (list) or {@code ContainerStatus} (+ verbose info) gives
   * it, before it is joined with its sandbox.
   */
  record RawContainer(String id, String sandboxId, String name, String image,
      Map<String, String> labels, String cgroupsPath, long pid) {}

  /** A pod sandbox, from {@code PodSandbox} or {@code PodSandboxStatus}. */
  record Sandbox(String id, String name, String uid, String namespace,
      Map<String, String> labels) {}

  // ---- requests ----

  static byte[] versionRequest() {
    return new Wire.Writer().string(1, "v1").toByteArray();
  }

  /** {@code ListContainersRequest} and {@code ListPodSandboxRequest} without a filter. */
  static byte[] listRequest() {
    return new byte[0];
  }

  static byte[] containerStatusRequest(String id, boolean verbose) {
    return new Wire.Writer().string(1, id).bool(2, verbose).toByteArray();
  }

  static byte[] podSandboxStatusRequest(String id) {
    return new Wire.Writer().string(1, id).toByteArray();
  }

  // ---- responses ----

  static Version version(byte[] response) {
    String[] v = {"", "", "", ""};
    var r = new Wire.Reader(response);
    while (r.next()) {
      int f = r.field();
      if (f >= 1 && f <= 4) {
        v[f - 1] = r.string();
      } else {
        r.skip();
      }
    }
    return new Version(v[0], v[1], v[2], v[3]);
  }

  /** {@code ListContainersResponse{repeated Container containers = 1}}. */
  static List<RawContainer> containers(byte[] response) {
    List<RawContainer> out = new ArrayList<>();
    var r = new Wire.Reader(response);
    while (r.next()) {
      if (r.field() == 1) {
        out.add(container(r.message(), 2, 3, 4, 5, 8, null));
      } else {
        r.skip();
      }
    }
    return out;
  }

  /**
   * {@code ContainerStatusResponse{ContainerStatus status = 1; map<string,string> info = 2}};
   * null when it has no status. With {@code verbose}, {@code info["info"]} is the runtime's
   * JSON (containerd and CRI-O alike): {@code pid}, {@code sandboxID},
   * {@code runtimeSpec.linux.cgroupsPath}.
   */
  static RawContainer containerStatus(byte[] response) {
    Wire.Reader status = null;
    Map<String, String> info = new HashMap<>();
    var r = new Wire.Reader(response);
    while (r.next()) {
      switch (r.field()) {
        case 1 -> status = r.message();
        case 2 -> r.mapEntry(info);
        default -> r.skip();
      }
    }
    if (status == null) {
      return null;
    }
    // ContainerStatus: no sandbox id field (it is in the verbose info); image = 8,
    // image_ref = 9, labels = 12.
    return container(status, 0, 2, 8, 9, 12, info.get("info"));
  }

  /**
   * One {@code Container} or {@code ContainerStatus}: both have id = 1 and a
   * {@code ContainerMetadata{name = 1}}; the other fields' numbers differ and are given (0:
   * absent).
   */
  private static RawContainer container(Wire.Reader m, int sandboxField, int metadataField,
      int imageField, int imageRefField, int labelsField, String verboseInfo) {
    String id = "";
    String sandbox = "";
    String name = "";
    String[] image = {"", ""};
    String imageRef = "";
    Map<String, String> labels = new HashMap<>();
    while (m.next()) {
      int f = m.field();
      if (f == 1) {
        id = m.string();
      } else if (f == sandboxField) {
        sandbox = m.string();
      } else if (f == metadataField) {
        var meta = m.message();
        while (meta.next()) {
          if (meta.field() == 1) {
            name = meta.string();
          } else {
            meta.skip();
          }
        }
      } else if (f == imageField) {
        image = imageSpec(m.message());
      } else if (f == imageRefField) {
        imageRef = m.string();
      } else if (f == labelsField) {
        m.mapEntry(labels);
      } else {
        m.skip();
      }
    }
    String cgroups = null;
    long pid = 0;
    if (verboseInfo != null && !verboseInfo.isEmpty()) {
      JsonNode info = parse(verboseInfo);
      if (info != null) {
        pid = info.path("pid").asLong(0);
        String s = info.path("sandboxID").asString("");
        if (sandbox.isEmpty()) {
          sandbox = s;
        }
        cgroups = emptyToNull(info.path("runtimeSpec").path("linux").path("cgroupsPath")
            .asString(""));
      }
    }
    String chosen = firstImageName(image[1], image[0], imageRef);
    String containerName = labels.getOrDefault(CONTAINER_NAME, name);
    return new RawContainer(id, sandbox, containerName, chosen, labels, cgroups, pid);
  }

  /** {@code ImageSpec{image = 1; user_specified_image = 18}}: {image, userSpecified}. */
  private static String[] imageSpec(Wire.Reader spec) {
    String[] out = {"", ""};
    while (spec.next()) {
      switch (spec.field()) {
        case 1 -> out[0] = spec.string();
        case 18 -> out[1] = spec.string();
        default -> spec.skip();
      }
    }
    return out;
  }

  /**
   * The first candidate that names an image rather than only identifying it: runtimes put the
   * image id ({@code sha256:<hex>}) in some of these fields, which says nothing to a reader.
   */
  private static String firstImageName(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isEmpty() && !c.startsWith("sha256:")) {
        return c;
      }
    }
    return null;
  }

  /** {@code ListPodSandboxResponse{repeated PodSandbox items = 1}}. */
  static List<Sandbox> sandboxes(byte[] response) {
    List<Sandbox> out = new ArrayList<>();
    var r = new Wire.Reader(response);
    while (r.next()) {
      if (r.field() == 1) {
        out.add(sandbox(r.message(), 5));
      } else {
        r.skip();
      }
    }
    return out;
  }

  /** {@code PodSandboxStatusResponse{PodSandboxStatus status = 1}}; null without a status. */
  static Sandbox sandboxStatus(byte[] response) {
    var r = new Wire.Reader(response);
    Sandbox s = null;
    while (r.next()) {
      if (r.field() == 1) {
        s = sandbox(r.message(), 7);
      } else {
        r.skip();
      }
    }
    return s;
  }

  /**
   * {@code PodSandbox} (labels = 5) or {@code PodSandboxStatus} (labels = 7): id = 1,
   * {@code PodSandboxMetadata{name = 1, uid = 2, namespace = 3}} = 2.
   */
  private static Sandbox sandbox(Wire.Reader m, int labelsField) {
    String id = "";
    String[] meta = {"", "", ""};
    Map<String, String> labels = new HashMap<>();
    while (m.next()) {
      int f = m.field();
      if (f == 1) {
        id = m.string();
      } else if (f == 2) {
        var md = m.message();
        while (md.next()) {
          int g = md.field();
          if (g >= 1 && g <= 3) {
            meta[g - 1] = md.string();
          } else {
            md.skip();
          }
        }
      } else if (f == labelsField) {
        m.mapEntry(labels);
      } else {
        m.skip();
      }
    }
    return new Sandbox(id, meta[0], meta[1], meta[2], labels);
  }

  /** The verbose info is diagnostic text: a runtime that writes something else is not fatal. */
  private static JsonNode parse(String json) {
    try {
      return JsonMapper.shared().readTree(json);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
