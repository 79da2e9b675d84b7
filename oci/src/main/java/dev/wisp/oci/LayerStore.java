package dev.wisp.oci;

import java.io.IOException;

/** Where {@link ImagePuller#pullLayers} puts layers: one converted copy per layer chain, kept by its owner. */
public interface LayerStore {
    /** @return whether the layer chain {@code chainId} is converted already (its layer is then skipped) */
    boolean has(Digest chainId);

    /**
     * Takes layer {@code index}, unpacked on its own into {@code layer.root()}, which is deleted after.
     *
     * @param chainId the chain of this layer and every layer below it
     */
    void put(int index, Digest chainId, RootFs layer) throws IOException;
}
