package dev.tapio.plugin.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapio.engine.config.ComponentConfigs;
import dev.tapio.engine.config.ConfigError;
import dev.tapio.engine.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchConfigTest {

  private static List<String> problems(BatchConfig config) {
    List<String> out = new ArrayList<>();
    config.validate((key, message) -> out.add(key + ": " + message));
    return out;
  }

  @Test
  void defaultsAreTheCollectorsAndValid() {
    BatchConfig c = new BatchFactory().createDefaultConfig();
    assertEquals(new BatchConfig(8192, 0, Duration.ofMillis(200)), c);
    assertEquals(List.of(), problems(c));
  }

  @Test
  void maxSizeMustBeZeroOrAtLeastSendBatchSize() {
    assertEquals(List.of("send_batch_max_size: must be 0 (no limit) or greater than or equal to"
        + " send_batch_size (100), got 99"), problems(new BatchConfig(100, 99, Duration.ZERO)));
    assertEquals(List.of(), problems(new BatchConfig(100, 100, Duration.ZERO)));
    assertEquals(List.of(), problems(new BatchConfig(100, 0, Duration.ZERO)));
  }

  @Test
  void rejectsNegativeValues() {
    List<String> p = problems(new BatchConfig(-1, -1, Duration.ofMillis(-5)));
    assertEquals(3, p.size(), p.toString());
    assertEquals("send_batch_size", p.get(0).substring(0, p.get(0).indexOf(':')));
    assertEquals("send_batch_max_size", p.get(1).substring(0, p.get(1).indexOf(':')));
    assertEquals("timeout", p.get(2).substring(0, p.get(2).indexOf(':')));
  }

  @Test
  void metadataKeysAreRefusedAsNotSupportedYet() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ComponentConfigs.read(new BatchFactory(), "timeout: 1s\nmetadata_keys: [tenant]\n"));
    assertEquals(List.of("component.yaml:2:1: processor 'batch', key 'metadata_keys': is not"
        + " supported yet: batches are not split by client metadata, which Tapio does not keep"),
        e.errors().stream().map(ConfigError::toString).toList());
  }
}
