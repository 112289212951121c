/*
 * Start-up registration of every layer (the tool, tests and benchmarks call it once).
 */
#ifndef PCISIM_REPLAY_REGISTER_H
#define PCISIM_REPLAY_REGISTER_H

/** Register every layer's actions, expectations, record kinds, sections and models. */
void pcisim_register_all(void);

#endif
