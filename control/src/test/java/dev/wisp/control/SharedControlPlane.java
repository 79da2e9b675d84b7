package dev.wisp.control;

import dev.wisp.testing.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The base of a test class whose tests share one control plane: starts it with an API client and
 * the admin's token, starts it again on the same config (and so the same data) after a step closed
 * it, and closes it after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedControlPlane {
    ControlPlane cp;
    Http http;
    String admin;
    private ControlConfig config;

    /** Starts the control plane on {@code config}; call it from the subclass's {@code @BeforeAll}. */
    final void start(ControlConfig config) {
        this.config = config;
        startAgain();
    }

    /** Starts it again on the config of {@link #start}, after a step closed it (a restart). */
    final void startAgain() {
        cp = ControlPlane.start(config);
        http = new Http(cp.apiUrl());
        admin = Guests.adminToken(cp);
    }

    @AfterAll
    final void stopControlPlane() throws Exception {
        Closeables.closeAll(cp);
    }
}
