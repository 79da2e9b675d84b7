package dev.wisp.image;

import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The root an image's stacked layers make, as overlayfs in the guest will show it, from their
 * {@link LayerIndex}es: enough to prepare the image's own top disk and find its users. Paths are
 * looked up as written: a symlinked folder on the way is not followed.
 */
final class LayerView {
    /**
     * @param type  d, f or l
     * @param layer the index, bottom first, of the layer the entry comes from
     */
    record Entry(char type, int mode, int uid, int gid, int layer) {}

    private final NavigableMap<String, Entry> merged = new TreeMap<>();

    /** @param layers bottom first */
    static LayerView of(List<LayerIndex> layers) {
        LayerView v = new LayerView();
        for (int i = 0; i < layers.size(); i++) {
            v.apply(layers.get(i), i);
        }
        return v;
    }

    private void apply(LayerIndex layer, int index) {
        // what a layer hides goes first: its own entries stand on top of it
        for (String o : layer.opaque()) {
            removeBelow(o);
        }
        for (String w : layer.whiteouts()) {
            merged.remove(w);
            removeBelow(w);
        }
        for (var e : layer.entries().entrySet()) {
            String[] f = e.getValue().split(" ");
            char type = f[0].charAt(0);
            if (type != 'd') {
                removeBelow(e.getKey()); // a file or link in place of a folder hides what was in it
            }
            merged.put(
                    e.getKey(),
                    new Entry(type, Integer.parseInt(f[1], 8), Integer.parseInt(f[2]), Integer.parseInt(f[3]), index));
        }
    }

    private void removeBelow(String dir) {
        if (dir.isEmpty()) {
            merged.tailMap("", false).clear();
        } else {
            merged.subMap(dir + "/", true, dir + "0", false).clear(); // '0' follows '/'
        }
    }

    /** @return the entry at {@code rel} (relative, "" for the root), or null */
    Entry get(String rel) {
        return merged.get(rel);
    }
}
