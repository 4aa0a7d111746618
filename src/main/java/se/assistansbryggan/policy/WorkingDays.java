package se.assistansbryggan.policy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.util.Set;

/**
 * Swedish working days (vardagar that are not public holidays, lag (1989:253) om allmänna
 * helgdagar, with midsommarafton, julafton and nyårsafton treated as holidays as in practice):
 * what "within three working days" means for a kommun's case officers.
 */
public final class WorkingDays {
    private static final Set<MonthDay> FIXED = Set.of(
            MonthDay.of(1, 1), MonthDay.of(1, 6), MonthDay.of(5, 1), MonthDay.of(6, 6),
            MonthDay.of(12, 24), MonthDay.of(12, 25), MonthDay.of(12, 26), MonthDay.of(12, 31));

    private WorkingDays() {}

    /** The date that is {@code days} working days after {@code from}. */
    public static LocalDate after(LocalDate from, int days) {
        return step(from, days, 1);
    }

    /** The date that is {@code days} working days before {@code to}. */
    public static LocalDate before(LocalDate to, int days) {
        return step(to, days, -1);
    }

    private static LocalDate step(LocalDate from, int days, int direction) {
        LocalDate date = from;
        for (int counted = 0; counted < days; ) {
            date = date.plusDays(direction);
            if (isWorkingDay(date)) {
                counted++;
            }
        }
        return date;
    }

    /**
     * The first working day's {@code at} (Swedish time) that is after {@code now}: a handover made on a
     * Friday evening is due on Monday at 10:00 (Tuesday after Easter Monday), one made at 01:00 on
     * a Tuesday the same morning, one made at 14:00 the next working day.
     */
    public static java.time.Instant nextAt(java.time.Instant now, java.time.LocalTime at) {
        java.time.ZoneId sweden = java.time.ZoneId.of("Europe/Stockholm");
        LocalDate date = LocalDate.ofInstant(now, sweden);
        while (!isWorkingDay(date) || !date.atTime(at).atZone(sweden).toInstant().isAfter(now)) {
            date = date.plusDays(1);
        }
        return date.atTime(at).atZone(sweden).toInstant();
    }

    public static boolean isWorkingDay(LocalDate date) {
        DayOfWeek day = date.getDayOfWeek();
        return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY && !isHoliday(date);
    }

    static boolean isHoliday(LocalDate date) {
        if (FIXED.contains(MonthDay.from(date))) {
            return true;
        }
        LocalDate easter = easterSunday(date.getYear());
        if (date.equals(easter.minusDays(2)) || date.equals(easter.plusDays(1)) || date.equals(easter.plusDays(39))) {
            return true;
        }
        // midsommarafton: the Friday between 19 and 25 June
        return date.getMonth() == Month.JUNE && date.getDayOfWeek() == DayOfWeek.FRIDAY
                && date.getDayOfMonth() >= 19 && date.getDayOfMonth() <= 25;
    }

    /** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }
}
