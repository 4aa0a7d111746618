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
}
