package dev.wisp.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The merged root of stacked layers as overlayfs shows it: whiteouts, opaque folders, files over folders. */
class LayerViewTest {
    private static LayerIndex layer(List<String> whiteouts, List<String> opaque, Map<String, String> entries) {
        return new LayerIndex("0".repeat(64), entries.size(), 0, whiteouts, opaque, entries);
    }

    @Test
    void upperLayers_hideWhatTheirWhiteoutsAndOpaqueFoldersName() {
        LayerIndex base = layer(
                List.of(),
                List.of(),
                Map.of(
                        "", "d 755 0 0",
                        "etc", "d 755 0 0",
                        "etc/passwd", "f 644 0 0",
                        "www", "d 750 1000 1000",
                        "www/old.txt", "f 644 0 0",
                        "www/sub", "d 755 0 0",
                        "www/sub/a", "f 644 0 0",
                        "data", "d 755 0 0",
                        "data/x", "f 644 0 0"));
        LayerIndex top = layer(
                List.of("www/old.txt"),
                List.of("www/sub"),
                Map.of("www", "d 755 0 0", "www/sub", "d 755 0 0", "www/sub/b", "f 600 5 6", "data", "l 777 0 0"));

        LayerView v = LayerView.of(List.of(base, top));

        assertThat(v.get("www/old.txt")).isNull();
        assertThat(v.get("www/sub/a")).isNull();
        assertThat(v.get("www/sub/b")).isEqualTo(new LayerView.Entry('f', 0600, 5, 6, 1));
        assertThat(v.get("etc/passwd")).isEqualTo(new LayerView.Entry('f', 0644, 0, 0, 0));
        // a symlink in place of a folder hides what the folder held
        assertThat(v.get("data").type()).isEqualTo('l');
        assertThat(v.get("data/x")).isNull();
        assertThat(v.get("www").layer()).isEqualTo(1);
    }
}
