package tp0.agency.bets;

import tp0.protocol.Bet;

/** The one bet of single-bet mode (given in env vars): yields it once, then ends. */
public final class SingleBetSource implements BetSource {
    private Bet bet;

    public SingleBetSource(Bet bet) {
        this.bet = bet;
    }

    @Override
    public boolean next(BetFields into) {
        if (bet == null) {
            return false;
        }
        into.set(bet);
        bet = null;
        return true;
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
