package dev.wisp.sdk;

import static dev.wisp.sdk.ApiTransport.seg;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The {@code /v1/images} routes of {@link WispClient}: streamed tar upload, server-side pull, listing, deletion. */
record ImageCalls(ApiTransport t, Duration uploadTimeout) {
    Image push(Path imageDir) {
        ImageTar tar = ImageTar.of(imageDir);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(tar::open), tar.length());
        HttpRequest r = t.req("/v1/images", true)
                .timeout(uploadTimeout)
                .header("Content-Type", "application/x-tar")
                .POST(body)
                .build();
        return t.parse(t.checked(t.send(r, HttpResponse.BodyHandlers.ofByteArray())), t.type(Image.class));
    }

    Image pull(ImagePull request) {
        HttpRequest r = t.json(t.req("/v1/images/pull", true), "POST", request)
                .timeout(uploadTimeout)
                .build();
        return t.parse(t.checked(t.send(r, HttpResponse.BodyHandlers.ofByteArray())), t.type(Image.class));
    }

    List<Image> images() {
        return t.list(t.get("/v1/images", true), Image.class);
    }

    void delete(String id) {
        t.call(t.req("/v1/images/" + seg(id), true).DELETE(), null);
    }
}
