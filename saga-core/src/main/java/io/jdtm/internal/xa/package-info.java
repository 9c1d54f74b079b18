/**
 * XA mode's database side: the Xids jdtm derives from a gid and branch, the local XA transaction
 * of a branch (start, barrier row, the user's work, end, prepare), phase two (commit or rollback,
 * with the barrier row as proof where a database no longer knows an Xid), and the scan of
 * in-doubt Xids after a crash. The engine decides; this package only talks to the databases.
 */
package io.jdtm.internal.xa;
