package org.blindmatch.crypto.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Differential test of the hand-written ISO 8601 parser against java.time. */
class Iso8601PropertiesTest {

  enum ZoneStyle {
    Z,
    LOWER_Z,
    COLON,
    BASIC,
    HOURS_ONLY
  }

  /** A local date-time with an offset, and how to spell it. */
  record Instance(
      LocalDateTime local, int offsetMinutes, int fractionDigits, char separator, ZoneStyle style) {

    /** The spelling under test, in the chosen variant. */
    String text() {
      return datePart(separator) + zone(style);
    }

    /** The same instant in the one spelling OffsetDateTime.parse surely accepts. */
    String canonical() {
      return datePart('T') + zone(offsetMinutes == 0 ? ZoneStyle.Z : ZoneStyle.COLON);
    }

    long expectedEpochSecond() {
      return local.toEpochSecond(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
    }

    private String datePart(char sep) {
      String fraction =
          fractionDigits == 0
              ? ""
              : "." + String.format("%09d", local.getNano()).substring(0, fractionDigits);
      return String.format(
          "%04d-%02d-%02d%c%02d:%02d:%02d%s",
          local.getYear(),
          local.getMonthValue(),
          local.getDayOfMonth(),
          sep,
          local.getHour(),
          local.getMinute(),
          local.getSecond(),
          fraction);
    }

    private String zone(ZoneStyle wanted) {
      ZoneStyle effective = wanted;
      if ((wanted == ZoneStyle.Z || wanted == ZoneStyle.LOWER_Z) && offsetMinutes != 0) {
        effective = ZoneStyle.COLON;
      }
      if (wanted == ZoneStyle.HOURS_ONLY && offsetMinutes % 60 != 0) {
        effective = ZoneStyle.BASIC;
      }
      char sign = offsetMinutes < 0 ? '-' : '+';
      int hours = Math.abs(offsetMinutes) / 60;
      int minutes = Math.abs(offsetMinutes) % 60;
      return switch (effective) {
        case Z -> "Z";
        case LOWER_Z -> "z";
        case COLON -> String.format("%c%02d:%02d", sign, hours, minutes);
        case BASIC -> String.format("%c%02d%02d", sign, hours, minutes);
        case HOURS_ONLY -> String.format("%c%02d", sign, hours);
      };
    }
  }

  @Provide
  Arbitrary<Instance> instances() {
    Arbitrary<LocalDateTime> local =
        Combinators.combine(
                Arbitraries.longs()
                    .between(
                        LocalDate.of(1, 1, 1).toEpochDay(),
                        LocalDate.of(9999, 12, 31).toEpochDay()),
                Arbitraries.integers().between(0, 86_399),
                Arbitraries.integers().between(0, 999_999_999))
            .as(
                (day, second, nano) ->
                    LocalDate.ofEpochDay(day).atStartOfDay().plusSeconds(second).withNano(nano));
    // java.time allows offsets up to 18:00; whole hours and zero are weighted up so that
    // every zone spelling is exercised.
    Arbitrary<Integer> offsetMinutes =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-18 * 60, 18 * 60),
            Arbitraries.integers().between(-18, 18).map(h -> h * 60),
            Arbitraries.just(0));
    return Combinators.combine(
            local,
            offsetMinutes,
            Arbitraries.integers().between(0, 9),
            Arbitraries.of('T', 't', ' '),
            Arbitraries.of(ZoneStyle.class))
        .as(Instance::new);
  }

  @Property(tries = 5000)
  void agreesWithJavaTime(@ForAll("instances") Instance instance) throws TimeParseException {
    long parsed = TimestampFormat.ISO_8601.parseEpochSecond(instance.text());
    assertEquals(
        OffsetDateTime.parse(instance.canonical()).toEpochSecond(), parsed, instance.text());
    assertEquals(instance.expectedEpochSecond(), parsed, instance.text());
  }

  @Property(tries = 2000)
  void fractionIsFlooredAroundTheEpoch(@ForAll("instances") Instance instance)
      throws TimeParseException {
    // Same instants moved next to 1970, where truncation and floor would differ if done wrong.
    LocalDateTime nearEpoch =
        LocalDateTime.of(1969, 12, 31, 23, 59, 59)
            .plusSeconds(instance.local().getSecond() - 30)
            .withNano(instance.local().getNano());
    Instance moved =
        new Instance(nearEpoch, 0, Math.max(1, instance.fractionDigits()), 'T', ZoneStyle.Z);
    assertEquals(
        OffsetDateTime.parse(moved.canonical()).toEpochSecond(),
        TimestampFormat.ISO_8601.parseEpochSecond(moved.text()),
        moved.text());
  }
}
