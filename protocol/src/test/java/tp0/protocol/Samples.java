package tp0.protocol;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Valid bets and messages shared by the tests. */
final class Samples {
    private Samples() {}

    static final String EMOJI = "\uD83C\uDF40"; // U+1F340 four leaf clover: a surrogate pair, 4 UTF-8 bytes

    static Bet bet(String first, String last, String document, int number) {
        return new Bet(first, last, document, LocalDate.of(1985, 3, 21), number);
    }

    static Bet bet(int i) {
        return new Bet("Nombre" + i, "Apellido" + i, String.valueOf(30_000_000 + i),
                LocalDate.of(1950 + i % 60, 1 + i % 12, 1 + i % 28), i * 37 % 10_000);
    }

    static List<Bet> bets(int count) {
        List<Bet> bets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bets.add(bet(i));
        }
        return bets;
    }

    /** Bets exercising the tricky parts of the encoding. */
    static List<Bet> trickyBets() {
        return List.of(
                new Bet("Nicolás", "Saldaña", "00012345", LocalDate.of(1999, 12, 31), 0),
                new Bet("José", "Muñoz", "0", LocalDate.of(2000, 2, 29), Integer.MAX_VALUE),
                new Bet("Zoë " + EMOJI, "O'Brien-Ünal", "000000000000", LocalDate.of(1, 1, 1), 1),
                new Bet("李", "Ñandú", "9", LocalDate.of(9999, 12, 31), 7574),
                new Bet("A", "B", "1", LocalDate.of(1, 1, 1), 65_536));
    }

    /** One of each message type, plus edge values. */
    static List<Message> everyMessage() {
        return List.of(
                new Message.Hello(Protocol.VERSION, 1, ""),
                new Message.Hello(0xFFFF, Integer.MAX_VALUE, "sécret " + EMOJI),
                new Message.Hello(1, -1, "s3cr3t"),
                new Message.Welcome(Protocol.VERSION, 0),
                new Message.Welcome(Protocol.VERSION, 5_000_000_000L),
                new Message.Welcome(Protocol.VERSION, Long.MAX_VALUE),
                Batches.of(List.of()),
                Batches.of(List.of(bet("Nicolás", "Saldaña", "00012345", 0))),
                Batches.of(trickyBets()),
                Batches.of(bets(60)),
                new Message.BatchAck(0, 0),
                new Message.BatchAck(0xFFFF, 9_876_543_210L),
                new Message.BatchAck(100, Long.MAX_VALUE),
                new Message.BatchRejected(ErrorCode.BAD_DATE, 17),
                new Message.BatchRejected(ErrorCode.SHUTTING_DOWN, 0xFFFF),
                Message.AllBetsSent.INSTANCE,
                Message.AllBetsSentAck.INSTANCE,
                Message.WinnersQuery.INSTANCE,
                Message.Ping.INSTANCE,
                Message.Pong.INSTANCE,
                new Message.Winners(List.of(), true),
                new Message.Winners(List.of(), false),
                new Message.Winners(List.of("00012345", "30904465", "0"), true),
                new Message.Winners(List.of("00012345", "30904465", "0"), false),
                new Message.Error(ErrorCode.NOT_IDENTIFIED, ""),
                new Message.Error(ErrorCode.BETS_CLOSED, "El sorteo ya se realizó: no se aceptan más apuestas"),
                new Message.Error(ErrorCode.UNSUPPORTED_VERSION, "versión " + EMOJI + " no soportada"));
    }
}
