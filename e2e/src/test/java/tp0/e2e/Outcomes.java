package tp0.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import tp0.tools.DatasetGenerator;
import tp0.tools.LotteryRun;

/** What the suites check of how the agencies ended. */
final class Outcomes {
    private Outcomes() {}

    /** Every agency exited 0 and learned exactly its own winners of {@code data}. */
    static void assertEachLearnedItsWinners(List<LotteryRun.AgencyOutcome> outcomes, DatasetGenerator.Dataset data) {
        for (LotteryRun.AgencyOutcome outcome : outcomes) {
            assertEquals(0, outcome.exitCode(), "agency " + outcome.agency() + " exit status");
            assertEquals(data.winnersPerAgency().get(outcome.agency()), outcome.winners(),
                    "winners of agency " + outcome.agency());
        }
    }

    /** Every agency exited 0; how many winners each one learned, in agency order. */
    static List<Integer> winnerCounts(List<LotteryRun.AgencyOutcome> outcomes) {
        List<Integer> winners = new ArrayList<>();
        for (LotteryRun.AgencyOutcome outcome : outcomes) {
            assertEquals(0, outcome.exitCode(), "agency " + outcome.agency() + " exit status");
            winners.add(outcome.winners().size());
        }
        return winners;
    }
}
