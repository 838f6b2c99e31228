package tp0.lottery.store;

import tp0.protocol.Bet;

/** A bet as the course's {@code Bet} class sees it: the bet plus the agency that took it. */
public record StoredBet(int agency, Bet bet) {
}
