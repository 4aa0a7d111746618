package se.assistansbryggan.message;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * A personnummer or samordningsnummer (Skatteverket; samordningsnummer have day + 60), twelve
 * digits ÅÅÅÅMMDDNNNK with a Luhn check digit over the last ten. Never printed in clear text:
 * {@link #toString()} masks it, and logs and the audit trail use {@link #masked()}.
 */
public final class Personnummer {

    private static final Pattern FORM = Pattern.compile("\\d{12}");
    private final String digits;

    private Personnummer(String digits) {
        this.digits = digits;
    }

    /** Parses twelve digits, checking the date (with the samordningsnummer offset) and the Luhn digit. */
    public static Personnummer parse(String twelveDigits) {
        if (twelveDigits == null || !FORM.matcher(twelveDigits).matches()) {
            throw new IllegalArgumentException("a personnummer has twelve digits");
        }
        int day = Integer.parseInt(twelveDigits.substring(6, 8));
        try {
            LocalDate.of(Integer.parseInt(twelveDigits.substring(0, 4)),
                    Integer.parseInt(twelveDigits.substring(4, 6)), day > 60 ? day - 60 : day);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("a personnummer starts with a date of birth");
        }
        if (!Luhn.valid(twelveDigits.substring(2))) {
            throw new IllegalArgumentException("the personnummer's check digit is wrong");
        }
        return new Personnummer(twelveDigits);
    }

    /** An invented number for tests and samples: the given date and serial, with the right check digit. */
    public static Personnummer invent(LocalDate born, int serial, boolean samordningsnummer) {
        String day = String.format("%02d", born.getDayOfMonth() + (samordningsnummer ? 60 : 0));
        String payload = String.format("%04d%02d%s%03d", born.getYear(), born.getMonthValue(), day, serial % 1000);
        return new Personnummer(payload + Luhn.checkDigit(payload.substring(2)));
    }

    public boolean isSamordningsnummer() {
        return Integer.parseInt(digits.substring(6, 8)) > 60;
    }

    public String twelveDigits() {
        return digits;
    }

    /** ÅÅÅÅMMDD-NNNK, the form case officers read. */
    public String withHyphen() {
        return digits.substring(0, 8) + "-" + digits.substring(8);
    }

    /** Birth year and the rest hidden: {@code 1975******-****}. */
    public String masked() {
        return digits.substring(0, 4) + "****-****";
    }


    private static final Pattern ANY_IN_TEXT = Pattern.compile("\\b((?:18|19|20)\\d{2})(\\d{4})-?(\\d{4})\\b");

    /** Masks everything in a text that looks like a personnummer or samordningsnummer (for operators' eyes). */
    public static String maskAll(String text) {
        return ANY_IN_TEXT.matcher(text).replaceAll("$1****-****");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Personnummer p && p.digits.equals(digits);
    }

    @Override
    public int hashCode() {
        return digits.hashCode();
    }

    @Override
    public String toString() {
        return masked();
    }
}
