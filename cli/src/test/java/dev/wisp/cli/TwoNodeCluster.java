package dev.wisp.cli;

import dev.wisp.common.FileTrees;
import dev.wisp.store.etcd.EtcdCluster;
import dev.wisp.testing.Closeables;
import dev.wisp.testing.VmTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The cluster tests' fixture ({@code @ExtendWith}): a real three-member etcd and two
 * {@code wisp up --etcd} nodes, a (leading) and b, both listed ready before the test runs; a test
 * method takes them as its {@link ClusterNode} parameters, in that order. After it every node, the
 * VMs they started and etcd are stopped and the folder deleted. Real-VM tests only.
 */
final class TwoNodeCluster implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final List<ClusterNode> started = new ArrayList<>();
    private Path dir;
    private EtcdCluster etcd;
    private List<ClusterNode> nodes = List.of();

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        VmTests.assume();
        started.clear();
        dir = Files.createTempDirectory("wisp-cluster-");
        etcd = EtcdCluster.start(dir.resolve("etcd"));
        nodes = ClusterNode.startTwo(dir, etcd, started);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Path folder = dir;
        Closeables.closeAll(
                () -> ClusterNode.stopAll(started), etcd, folder == null ? null : () -> FileTrees.delete(folder));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ClusterNode.class && parameter.getIndex() < 2;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return nodes.get(parameter.getIndex());
    }
}
