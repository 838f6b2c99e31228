package tp0.agency.bets;

import tp0.protocol.Bet;

/** The one bet of single-bet mode (given in env vars): yields it once, then ends. */
public final class SingleBetSource implements BetSource {
    private Bet bet;

    public SingleBetSource(Bet bet) {
        this.bet = bet;
    }

    @Override
    public Bet next() {
        Bet next = bet;
        bet = null;
        return next;
    }

    @Override
    public boolean isDataFile() {
        return false;
    }

    @Override
    public void close() {
        bet = null;
    }
}
