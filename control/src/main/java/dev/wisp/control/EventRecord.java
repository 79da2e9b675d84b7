package dev.wisp.control;

/** One change, as the API and the event stream show it; stored under {@code /events/<tenant>/<seq>}. */
record EventRecord(long seq, String at, String kind, String service, String tenant, String instance, String detail) {}
