package se.assistansbryggan.message;

/** The Luhn (mod 10) check digit used by Swedish organisation numbers and personnummer. */
public final class Luhn {
    private Luhn() {}

    /** True when the last digit of {@code digits} is the Luhn check digit of the others. */
    public static boolean valid(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return checkDigit(digits.substring(0, digits.length() - 1)) == digits.charAt(digits.length() - 1) - '0';
    }

    /** The check digit for {@code payload}, counting weights 2,1,2,1… from the left. */
    public static int checkDigit(String payload) {
        int sum = 0;
        for (int i = 0; i < payload.length(); i++) {
            int d = (payload.charAt(i) - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }
        return (10 - sum % 10) % 10;
    }
}
