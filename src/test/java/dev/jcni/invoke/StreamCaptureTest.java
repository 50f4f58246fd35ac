package dev.jcni.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class StreamCaptureTest {
  /** Hands out data in chunks of random sizes, as a pipe does. */
  private static InputStream choppy(byte[] data, long seed) {
    return choppy(new ByteArrayInputStream(data), seed);
  }

  private static InputStream choppy(InputStream source, long seed) {
    Random r = new Random(seed);
    return new FilterInputStream(source) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.max(1, Math.min(len, 1 + r.nextInt(20_000))));
      }
    };
  }

  private static byte[] data(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void keepsTheLastBytesAcrossManyWrapsOfTheRing() {
    for (int keep : new int[] {1, 7, 4096, 65536}) {
      for (int n : new int[] {0, 1, keep - 1, keep, keep + 1, 3 * keep + 5, 1_000_003}) {
        byte[] input = data(n);
        StreamCapture c = StreamCapture.tail(choppy(input, n + keep), keep);
        c.run();
        byte[] expected = Arrays.copyOfRange(input, Math.max(0, n - keep), n);
        assertThat(c.kept()).as("keep %d of %d", keep, n).isEqualTo(expected);
        assertThat(c.total()).isEqualTo(n);
        assertThat(c.overflowed()).isFalse();
      }
    }
  }

  @Test
  void aZeroTailCountsButKeepsNothing() {
    StreamCapture c = StreamCapture.tail(new ByteArrayInputStream(data(1000)), 0);
    c.run();
    assertThat(c.kept()).isEmpty();
    assertThat(c.total()).isEqualTo(1000);
  }

  @Test
  void keepsAllOfAHeadWithinTheLimit() {
    byte[] input = data(100_000);
    StreamCapture c = StreamCapture.head(choppy(input, 1), 100_000);
    c.run();
    assertThat(c.kept()).isEqualTo(input);
    assertThat(c.overflowed()).isFalse();
  }

  @Test
  void readsOneByteBeyondTheLimitAndNoMore() {
    byte[] input = data(500_000);
    ByteArrayInputStream source = new ByteArrayInputStream(input);
    StreamCapture c = StreamCapture.head(choppy(source, 2), 100_000);
    c.run();
    assertThat(c.overflowed()).isTrue();
    assertThat(c.kept()).isEqualTo(Arrays.copyOf(input, 100_001));
    assertThat(source.available()).as("left unread in the pipe").isEqualTo(500_000 - 100_001);
  }
}
