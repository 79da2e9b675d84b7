package dev.wisp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wisp.runtime.ConsoleLine;
import dev.wisp.runtime.GuestStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogBookTest {
    private static String serviceOf(String id) {
        return id.substring(0, id.lastIndexOf('-'));
    }

    private static ConsoleLine line(String instance, String text) {
        return new ConsoleLine(instance, GuestStream.STDOUT, text, Instant.now());
    }

    @Test
    void chattyInstance_keepsOnlyItsNewestLinesWithinTheBound() {
        LogBook book = new LogBook(new LogBook.Limits(4096, 10, 1 << 20), LogBookTest::serviceOf);
        for (int i = 0; i < 10_000; i++) {
            book.append(line("web-r1-abcdef-1", "line " + i + " " + "x".repeat(50)));
        }
        List<LogLine> kept = book.lines("web-r1-abcdef");
        assertThat(book.bytes()).isLessThanOrEqualTo(4096);
        assertThat(kept.stream().mapToLong(LogBook::cost).sum()).isEqualTo(book.bytes());
        assertThat(kept.getLast().text()).startsWith("line 9999 ");
        assertThat(kept.getFirst().text()).doesNotStartWith("line 0 ");
    }

    @Test
    void manyInstances_keepTheLatestPerServiceAndTheTotalBound() {
        LogBook book = new LogBook(new LogBook.Limits(1024, 3, 1024), LogBookTest::serviceOf);
        for (int s = 0; s < 10; s++) {
            for (int i = 1; i <= 5; i++) {
                book.append(line("svc" + s + "-" + i, "hello from " + i));
            }
        }
        assertThat(book.lines("svc9").stream().map(LogLine::instance).distinct())
                .containsExactly("svc9-3", "svc9-4", "svc9-5");
        assertThat(book.bytes()).isLessThanOrEqualTo(1024);
        assertThat(book.lines("svc0")).isEmpty(); // written longest ago, dropped first
    }

    @Test
    void follower_getsTheLinesAfterItsPointThenNewOnesOfItsServiceUntilCancelled() {
        LogBook book = new LogBook(LogBook.Limits.DEFAULT, LogBookTest::serviceOf);
        List<String> got = new ArrayList<>();
        book.append(line("a-1", "zero"));
        long after = book.lines("a").getLast().seq();
        book.append(line("a-1", "one"));
        Runnable cancel = book.follow("a", after, l -> got.add(l.text()));
        book.append(line("b-1", "other service"));
        book.append(line("a-2", "one and a half"));
        cancel.run();
        book.append(line("a-1", "two"));
        assertThat(got).containsExactly("one", "one and a half");
        assertThat(book.lines("a")).extracting(LogLine::text).containsExactly("zero", "one", "one and a half", "two");
    }
}
