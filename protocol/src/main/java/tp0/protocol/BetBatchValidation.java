package tp0.protocol;

/**
 * Checks a BetBatch's bets on their wire bytes, in place — strict UTF-8, the field rules of
 * {@link Bet#check()}, real dates — with the same error codes and details, in the same order,
 * as decoding each bet to a {@link Bet} and checking it would give.
 */
final class BetBatchValidation {

    private BetBatchValidation() {}

    /** Checks {@code count} bets from the start of {@code b}; returns where the last one ends. */
    static int validate(BodyReader in, byte[] b, int count) throws DecodeException {
        int p = 0;
        for (int i = 0; i < count; i++) {
            in.betIndex = i;
            p = in.text(b, p, "first name");
            int first = in.textFlags;
            p = in.text(b, p, "last name");
            int last = in.textFlags;
            p = in.text(b, p, "document");
            int document = in.textFlags;
            int documentLength = in.textLength;
            if (b.length - p < 8) {
                throw in.fail(ErrorCode.TRUNCATED_PAYLOAD, "payload ends inside a field");
            }
            int year = WireBets.u16(b, p);
            int month = b[p + 2] & 0xFF;
            int day = b[p + 3] & 0xFF;
            int number = WireBets.i32(b, p + 4);
            p += 8;
            if (!Bet.isValidDate(year, month, day)) {
                throw in.fail(ErrorCode.BAD_DATE, "birthdate " + year + "-" + month + "-" + day);
            }
            // Bet.check()'s order: first name, last name, document, year, number.
            ErrorCode code;
            if ((code = WireText.nameRule(first)) != null) {
                throw in.violation(code, "first name");
            }
            if ((code = WireText.nameRule(last)) != null) {
                throw in.violation(code, "last name");
            }
            if ((code = WireText.documentRule(documentLength, document)) != null) {
                throw in.violation(code, "document");
            }
            if (year < 1 || year > 9999) {
                throw in.violation(ErrorCode.BAD_DATE, "birthdate");
            }
            if (number < 0) {
                throw in.violation(ErrorCode.NEGATIVE_NUMBER, "number");
            }
        }
        return p;
    }

}
