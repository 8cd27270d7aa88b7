package org.blindmatch.core.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {
  @Test
  void runsChargeUntilTheBudgetIsSpentExactly() {
    assertEquals(OptionalLong.of(500_000), PrivacyBudget.charge(0, 500_000, 1_000_000));
    assertEquals(OptionalLong.of(1_000_000), PrivacyBudget.charge(500_000, 500_000, 1_000_000));
    assertTrue(PrivacyBudget.charge(1_000_000, 500_000, 1_000_000).isEmpty());
    assertTrue(PrivacyBudget.charge(600_000, 500_000, 1_000_000).isEmpty());
  }

  @Test
  void aSpentTotalAboveTheBudgetOrUnsignedHugeIsRefused() {
    assertTrue(PrivacyBudget.charge(2_000_000, 1, 1_000_000).isEmpty());
    assertTrue(PrivacyBudget.charge(-1L, 1, 1_000_000).isEmpty());
    assertTrue(PrivacyBudget.charge(0, -1L, 1_000_000).isEmpty());
  }

  @Test
  void sensitivityIsSixCountsPerTier() {
    assertEquals(12, PrivacyBudget.sensitivity(2));
  }
}
