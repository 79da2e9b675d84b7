package dev.wisp.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A one-time dashboard sign-in link ({@code API/#signin=CODE}): its first opener is signed in as the admin. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignInLink(String url, String expiresAt) {}
