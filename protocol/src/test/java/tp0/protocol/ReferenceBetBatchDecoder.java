package tp0.protocol;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The BetBatch decoder as it was before it validated in place: every string decoded with a
 * strict CharsetDecoder, a LocalDate and a Bet per bet, then {@link Bet#check()}. Kept as the
 * oracle the byte-level decoder must agree with, error code and detail text included.
 */
final class ReferenceBetBatchDecoder {
    private static final int MIN_BET_BYTES = 3 * 2 + 4 + 4;

    /** The outcome: the bets, or the error (code and detail) it would have thrown. */
    record Outcome(List<Bet> bets, ErrorCode code, String detail) {
        static Outcome of(DecodeException e) {
            return new Outcome(null, e.code(), e.getMessage());
        }
    }

    private ReferenceBetBatchDecoder() {}

    /** Decodes a BetBatch body (type byte included). */
    static Outcome decodeBody(byte[] body) {
        ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN);
        if (buf.get() != MessageType.BET_BATCH.code) {
            throw new IllegalArgumentException("not a BetBatch body");
        }
        int[] declared = {-1};
        int[] betIndex = {-1};
        try {
            int count = buf.getShort() & 0xFFFF;
            declared[0] = count;
            if ((long) count * MIN_BET_BYTES > buf.remaining()) {
                throw fail(declared, betIndex, ErrorCode.TRUNCATED_PAYLOAD, count + " bets cannot fit in " + buf.remaining() + " bytes");
            }
            List<Bet> bets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                betIndex[0] = i;
                String first = string(buf, "first name", declared, betIndex);
                String last = string(buf, "last name", declared, betIndex);
                String document = string(buf, "document", declared, betIndex);
                int year = buf.getShort() & 0xFFFF;
                int month = buf.get() & 0xFF;
                int day = buf.get() & 0xFF;
                int number = buf.getInt();
                LocalDate birthdate;
                try {
                    birthdate = LocalDate.of(year, month, day);
                } catch (DateTimeException e) {
                    throw fail(declared, betIndex, ErrorCode.BAD_DATE, "birthdate " + year + "-" + month + "-" + day);
                }
                Bet bet = new Bet(first, last, document, birthdate, number);
                Bet.Violation violation = bet.check();
                if (violation != null) {
                    throw fail(declared, betIndex, violation.code(), violation.describe());
                }
                bets.add(bet);
            }
            betIndex[0] = -1;
            if (buf.hasRemaining()) {
                throw fail(declared, betIndex, ErrorCode.TRAILING_BYTES, buf.remaining() + " bytes after the last field");
            }
            return new Outcome(bets, null, null);
        } catch (BufferUnderflowException e) {
            return Outcome.of(fail(declared, betIndex, ErrorCode.TRUNCATED_PAYLOAD, "payload ends inside a field"));
        } catch (DecodeException e) {
            return Outcome.of(e);
        }
    }

    private static String string(ByteBuffer buf, String field, int[] declared, int[] betIndex) throws DecodeException {
        int len = buf.getShort() & 0xFFFF;
        if (len > buf.remaining()) {
            throw fail(declared, betIndex, ErrorCode.TRUNCATED_PAYLOAD,
                    field + " declares " + len + " bytes but " + buf.remaining() + " remain");
        }
        byte[] bytes = new byte[len];
        buf.get(bytes);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw fail(declared, betIndex, ErrorCode.INVALID_UTF8, field + " is not valid UTF-8");
        }
    }

    private static DecodeException fail(int[] declared, int[] betIndex, ErrorCode code, String detail) {
        String where = betIndex[0] >= 0 ? "bet " + (betIndex[0] + 1) + ": " : "";
        return new DecodeException(code, MessageType.BET_BATCH + ": " + where + detail, MessageType.BET_BATCH, declared[0]);
    }
}
