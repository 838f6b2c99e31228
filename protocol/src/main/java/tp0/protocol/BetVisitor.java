package tp0.protocol;

/**
 * Receives one bet of a {@link Message.BetBatch} as slices of its wire bytes, so a reader
 * (the server's CSV writer) needs no String, LocalDate or Bet per bet. The text fields are
 * valid UTF-8 that passed {@link Bet#check()}'s rules; {@code buf} belongs to the batch and
 * must not be modified or kept after the call.
 */
@FunctionalInterface
public interface BetVisitor {

    /**
     * @param buf   the bytes holding the three text fields
     * @param year  1..9999, with {@code month} and {@code day} a real date
     * @param number &gt;= 0
     */
    void bet(byte[] buf, int firstOff, int firstLen, int lastOff, int lastLen, int docOff, int docLen,
             int year, int month, int day, int number);
}
