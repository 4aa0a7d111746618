package se.assistansbryggan.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** "Three working days" as a kommun counts them. */
class WorkingDaysTest {
    @Test
    void easter_is_computed_for_known_years() {
        assertEquals(LocalDate.of(2026, 4, 5), WorkingDays.easterSunday(2026));
        assertEquals(LocalDate.of(2027, 3, 28), WorkingDays.easterSunday(2027));
        assertEquals(LocalDate.of(2025, 4, 20), WorkingDays.easterSunday(2025));
    }

    @Test
    void weekends_and_holidays_are_skipped() {
        assertEquals(LocalDate.of(2026, 11, 27), WorkingDays.after(LocalDate.of(2026, 11, 24), 3)); // Tue → Fri
        assertEquals(LocalDate.of(2026, 11, 30), WorkingDays.after(LocalDate.of(2026, 11, 25), 3)); // Wed → Mon
        assertEquals(LocalDate.of(2026, 12, 29), WorkingDays.after(LocalDate.of(2026, 12, 22), 3)); // over jul
        assertEquals(LocalDate.of(2026, 4, 9), WorkingDays.after(LocalDate.of(2026, 4, 2), 3)); // långfredag, annandag påsk
    }

    @Test
    void midsommarafton_and_national_day_are_holidays() {
        assertFalse(WorkingDays.isWorkingDay(LocalDate.of(2026, 6, 19)));
        assertFalse(WorkingDays.isWorkingDay(LocalDate.of(2027, 6, 25)));
        assertTrue(WorkingDays.isWorkingDay(LocalDate.of(2026, 6, 18)));
        assertFalse(WorkingDays.isWorkingDay(LocalDate.of(2030, 6, 6)));
    }

    /** Seed 004: an acute decision "gäller till nästkommande vardag"; the unit has until that day's 10:00 (Swedish time). */
    @Test
    void the_next_working_day_at_ten_is_the_first_ten_oclock_on_a_working_day_after_now() {
        java.time.LocalTime ten = java.time.LocalTime.of(10, 0);
        assertEquals(stockholm(2026, 11, 30, 10, 0), WorkingDays.nextAt(stockholm(2026, 11, 27, 22, 30), ten)); // Fri night → Mon
        assertEquals(stockholm(2026, 12, 1, 10, 0), WorkingDays.nextAt(stockholm(2026, 12, 1, 1, 15), ten)); // Tue 01:15 → Tue
        assertEquals(stockholm(2026, 12, 2, 10, 0), WorkingDays.nextAt(stockholm(2026, 12, 1, 14, 0), ten)); // Tue 14:00 → Wed
        assertEquals(stockholm(2026, 4, 7, 10, 0), WorkingDays.nextAt(stockholm(2026, 4, 2, 23, 0), ten)); // skärtorsdag → after annandag påsk
        assertEquals(stockholm(2027, 1, 4, 10, 0), WorkingDays.nextAt(stockholm(2026, 12, 30, 18, 0), ten)); // nyårsafton, nyårsdagen
    }

    private static java.time.Instant stockholm(int year, int month, int day, int hour, int minute) {
        return java.time.LocalDateTime.of(year, month, day, hour, minute).atZone(java.time.ZoneId.of("Europe/Stockholm")).toInstant();
    }
}
