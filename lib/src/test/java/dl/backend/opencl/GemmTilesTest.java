package dl.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A bad -Ddl.opencl.gemm fails when the backend opens, not on the first product. */
class GemmTilesTest {
  @Test
  void theDefaultAndOtherSixteenBySixteenChoicesParse() {
    assertEquals(new GemmTiles(64, 4, 16), GemmTiles.parse("64,4,16", 65536));
    assertEquals(" -D TS=32 -D WPT=2 -D TK=8", GemmTiles.parse(" 32, 2, 8", 65536).defines());
  }

  @Test
  void tilesThatDoNotGiveSixteenBySixteenWorkItemsAreRefused() {
    // 7,3,5 used to select OpenCL and then fail with CL_INVALID_WORK_GROUP_SIZE.
    var e = assertThrows(IllegalStateException.class, () -> GemmTiles.parse("7,3,5", 65536));
    assertTrue(e.getMessage().contains("-Ddl.opencl.gemm=7,3,5"), e.getMessage());
    assertTrue(e.getMessage().contains("TS / WPT must be 16"), e.getMessage());
  }

  @Test
  void malformedSettingsAreRefused() {
    for (String bad : new String[] {"64,4", "64,x,16", "0,0,16", "64,4,16,1", "-64,-4,16"}) {
      var e = assertThrows(IllegalStateException.class, () -> GemmTiles.parse(bad, 65536), bad);
      assertTrue(e.getMessage().startsWith("-Ddl.opencl.gemm=" + bad), e.getMessage());
    }
  }

  @Test
  void tilesLargerThanLocalMemoryAreRefused() {
    var e = assertThrows(IllegalStateException.class, () -> GemmTiles.parse("256,16,64", 32768));
    assertTrue(e.getMessage().contains("local memory"), e.getMessage());
  }
}
