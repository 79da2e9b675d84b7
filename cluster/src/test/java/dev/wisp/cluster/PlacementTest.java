package dev.wisp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private final Placement placement = new Placement(1);

    private static Placement.NodeRoom node(String name, int vcpus, long memory) {
        return new Placement.NodeRoom(name, vcpus, memory, true);
    }

    private static Placement.Want want(String key, int instances, Set<String> warm) {
        return want(key, instances, warm, false);
    }

    private static Placement.Want want(String key, int instances, Set<String> warm, boolean standby) {
        return new Placement.Want(key, 1, 256, instances, warm, standby);
    }

    @Test
    void instancesOfOneService_spreadAcrossNodes() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 4096), node("b", 4, 4096), node("c", 4, 4096)),
                List.of(want("s", 3, Set.of())),
                Map.of());
        assertThat(plan.assigned().get("s")).isEqualTo(Map.of("a", 1, "b", 1, "c", 1));
        assertThat(plan.refused()).isEmpty();
    }

    @Test
    void aNodeHoldingTheWarmTemplate_isPreferredOverAnEmptierOne() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 4096), node("b", 4, 1024)), List.of(want("s", 1, Set.of("b"))), Map.of());
        assertThat(plan.nodesOf("s")).containsExactly("b");
    }

    @Test
    void withoutPreference_theNodeWithMostFreeMemoryWins() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 1024), node("b", 4, 2048)),
                List.of(want("x", 1, Set.of()), want("y", 1, Set.of())),
                Map.of());
        assertThat(plan.nodesOf("x")).containsExactly("b");
        assertThat(plan.nodesOf("y")).containsExactly("b");
    }

    @Test
    void placedInstances_stayWhereTheyAreWhileTheirNodeTakesWork() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 4096), node("b", 4, 8192)),
                List.of(want("s", 1, Set.of())),
                Map.of("s", Map.of("a", 1)));
        assertThat(plan.nodesOf("s")).containsExactly("a");
    }

    @Test
    void instancesOnALostOrDrainingNode_arePlacedAgainElsewhere() {
        Placement.Plan plan = placement.place(
                List.of(new Placement.NodeRoom("a", 4, 4096, false), node("b", 4, 4096)),
                List.of(want("s", 1, Set.of("a"))),
                Map.of("s", Map.of("a", 1)));
        assertThat(plan.assigned().get("s")).isEqualTo(Map.of("b", 1));
    }

    @Test
    void aFullCluster_refusesWithTheNumbers() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 1, 512), node("b", 1, 300)),
                List.of(new Placement.Want("big", 1, 1024, 1, Set.of())),
                Map.of());
        assertThat(plan.assigned()).doesNotContainKey("big");
        assertThat(plan.refused().get("big"))
                .isEqualTo("cluster full: 1 of 1 instance(s) of 1 vCPU and 1024 MiB fit on no node; 2 ready node(s)"
                        + " have 2 vCPU and 812 MiB free in total, the roomiest (a) 1 vCPU and 512 MiB"
                        + " (vCPU overcommit 1)");
    }

    @Test
    void vcpus_areALimitTimesTheOvercommit() {
        Placement.Plan one = placement.place(List.of(node("a", 2, 65536)), List.of(want("s", 3, Set.of())), Map.of());
        assertThat(one.assigned().get("s")).isEqualTo(Map.of("a", 2));
        assertThat(one.refused().get("s")).startsWith("cluster full: 1 of 3 instance(s)");
        Placement.Plan four =
                new Placement(4).place(List.of(node("a", 2, 65536)), List.of(want("s", 3, Set.of())), Map.of());
        assertThat(four.assigned().get("s")).isEqualTo(Map.of("a", 3));
        assertThat(four.refused()).isEmpty();
    }

    @Test
    void noSchedulableNode_saysSo() {
        Placement.Plan plan = placement.place(
                List.of(new Placement.NodeRoom("a", 4, 4096, false)), List.of(want("s", 1, Set.of())), Map.of());
        assertThat(plan.refused().get("s")).startsWith("cluster full: no node takes work");
    }

    @Test
    void badWants_areRefusedWithTheRule() {
        assertThatThrownBy(() -> new Placement.Want("s", 0, 256, 1, Set.of()))
                .hasMessage("s: an instance needs >= 1 vCPU and >= 1 MiB, and >= 1 instance is wanted");
        assertThatThrownBy(() -> new Placement(0)).hasMessage("vCPU overcommit must be 1..64, was 0");
    }

    @Test
    void tenThousandServicesOnAHundredNodes_fitWithinEveryNodesRoomAndSpread() {
        List<Placement.NodeRoom> nodes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            nodes.add(node("n" + i, 64, 131072));
        }
        List<Placement.Want> wants = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            wants.add(new Placement.Want("s" + i, 1, 128 + 128 * (i % 4), 1 + i % 3, Set.of("n" + (i % 100))));
        }
        wants.sort(Placement.biggestFirst());
        Placement.Plan plan = new Placement().place(nodes, wants, Map.of());
        assertThat(plan.refused().size()).as("refused services").isZero();
        Map<String, Long> memory = new HashMap<>();
        for (Placement.Want w : wants) {
            Map<String, Integer> on = plan.assigned().get(w.key());
            assertThat(on.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(w.instances());
            assertThat(on.values())
                    .as("one instance per node while nodes have room")
                    .allMatch(n -> n == 1);
            on.forEach((n, c) -> memory.merge(n, (long) c * w.memoryMiB(), Long::sum));
        }
        assertThat(memory.values()).allMatch(m -> m <= 131072);
    }

    @Test
    void aKeyOnOneNode_getsAStandbyOnAnotherWithRoom() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 4096), node("b", 4, 128), node("c", 4, 2048)),
                List.of(want("s", 1, Set.of(), true)),
                Map.of());
        assertThat(plan.nodesOf("s")).containsExactly("a");
        assertThat(plan.standby()).isEqualTo(Map.of("s", "c")); // b has no room for an instance
    }

    @Test
    void theStandbyNode_isPreferredWhenTheOwnerIsLost_andTheStandbyMovesOn() {
        List<Placement.NodeRoom> nodes =
                List.of(new Placement.NodeRoom("a", 4, 4096, false), node("b", 4, 4096), node("c", 4, 4096));
        Placement.Plan plan =
                placement.place(nodes, List.of(want("s", 1, Set.of("c"), true)), Map.of("s", Map.of("a", 1, "c", 0)));
        assertThat(plan.nodesOf("s")).containsExactly("c");
        assertThat(plan.standby()).isEqualTo(Map.of("s", "b"));
    }

    @Test
    void aStandby_staysWhereItIs_andKeysSpreadTheirStandbys() {
        List<Placement.NodeRoom> nodes = List.of(node("a", 4, 4096), node("b", 4, 4096), node("c", 4, 8192));
        Placement.Plan sticky =
                placement.place(nodes, List.of(want("s", 1, Set.of(), true)), Map.of("s", Map.of("a", 1, "b", 0)));
        assertThat(sticky.standby()).isEqualTo(Map.of("s", "b"));
        Placement.Plan spread = placement.place(
                nodes,
                List.of(want("s", 1, Set.of(), true), want("t", 1, Set.of(), true)),
                Map.of("s", Map.of("a", 1), "t", Map.of("a", 1)));
        assertThat(Set.copyOf(spread.standby().values())).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void keysOnTwoNodes_orWithoutATemplate_getNoStandby() {
        Placement.Plan plan = placement.place(
                List.of(node("a", 4, 4096), node("b", 4, 4096), node("c", 4, 4096)),
                List.of(want("two", 2, Set.of(), true), want("plain", 1, Set.of())),
                Map.of());
        assertThat(plan.standby()).isEmpty();
    }

    @Test
    void aStandbyAssignment_holdsNoInstance() {
        assertThat(new Assignment("k", 0, "t", "s", 1, 1).standby()).isTrue();
        assertThatThrownBy(() -> new Assignment("k", -1, "t", "s", 1, 1)).hasMessageContaining("0 or more");
    }
}
