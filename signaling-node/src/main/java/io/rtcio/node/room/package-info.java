/** Rooms: join with backfill and init-offer, check, leave, passwords, and clean-up on disconnect. */
package io.rtcio.node.room;
