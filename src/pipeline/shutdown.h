#pragma once
// An orderly stop requested from a signal handler: capture stops, every open
// flow is emitted (end-of-input), the output is flushed.
namespace mld::pipeline {

void request_shutdown();  // async-signal-safe
bool shutdown_requested();

}  // namespace mld::pipeline
