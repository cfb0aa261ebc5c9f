package dev.gatekeeper.reputation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the DNS lists said about one connection: the score (the sum of the weights of the lists
 * that listed any subject, each list counted once, allow lists negative), the hits, and the lists
 * that gave no usable answer (counted as not listed). Immutable.
 */
public final class ReputationScore {

    private final int score;
    private final List<ListHit> hits;
    private final List<ListProblem> problems;

    ReputationScore(List<ListHit> hits, List<ListProblem> problems) {
        this.hits = List.copyOf(hits);
        this.problems = List.copyOf(problems);
        Set<String> counted = new LinkedHashSet<>();
        int sum = 0;
        for (ListHit h : hits) {
            if (counted.add(h.list().name())) {
                sum += h.list().weight();
            }
        }
        this.score = sum;
    }

    /** The sum of the weights of the lists that listed something, each list once. */
    public int score() {
        return score;
    }

    /** Every hit, in the order of the lists, then of the subjects. */
    public List<ListHit> hits() {
        return hits;
    }

    /** Lists that timed out, failed, or answered an error code; not counted. */
    public List<ListProblem> problems() {
        return problems;
    }

    /** Whether the named list listed any subject. */
    public boolean listed(String listName) {
        return hits.stream().anyMatch(h -> h.list().name().equals(listName));
    }

    /** Whether the named list listed this subject. */
    public boolean listed(String listName, DnsList.Subject subject) {
        return hit(listName, subject).isPresent();
    }

    public Optional<ListHit> hit(String listName, DnsList.Subject subject) {
        return hits.stream().filter(h -> h.list().name().equals(listName) && h.subject() == subject).findFirst();
    }

    /** The names of the lists that listed something, in order, each once. */
    public List<String> listedNames() {
        return new ArrayList<>(hits.stream().map(h -> h.list().name()).collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    /** For traces and headers: {@code score 4: zen[client-address]=127.0.0.2; problems: slow[client-address]: timeout (...)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("score ").append(score);
        if (!hits.isEmpty()) {
            sb.append(": ").append(hits.stream().map(ListHit::toString).collect(Collectors.joining(" ")));
        }
        if (!problems.isEmpty()) {
            sb.append("; problems: ").append(problems.stream().map(ListProblem::toString).collect(Collectors.joining("; ")));
        }
        return sb.toString();
    }
}
