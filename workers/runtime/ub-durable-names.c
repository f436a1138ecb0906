/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ub-durable-private.h"

/*
 * The names UbDurableFile makes, and how they are cleaned up: the
 * registry of hidden temporary names in the cache folder (read by
 * ub_durable_remove_stale() at the next start), the table of the names
 * that exist right now (for a signal handler), and the partial outputs
 * of the app's cache folder.
 */

/* Hidden names that exist right now, for ub_durable_remove_for_signal():
 * a slot is claimed (0 → 1) by the thread making the name, filled, then
 * published (1 → 2); it is emptied (→ 0) once the name is gone. Only the
 * atomic state is shared; a slot's paths belong to its claimer until it
 * is published, and are read-only after. */
#define N_LIVE_SLOTS 32

typedef struct
{
  gint  state;   /* (atomic) 0 free, 1 being filled, 2 published */
  char  path[4096];
  char  marker[4096];
} LiveSlot;

static LiveSlot live_slots[N_LIVE_SLOTS];

int
_ub_durable_live_add (const char *path,
          const char *marker)
{
  for (int i = 0; i < N_LIVE_SLOTS; i++)
    if (g_atomic_int_compare_and_exchange (&live_slots[i].state, 0, 1))
      {
        g_strlcpy (live_slots[i].path, path, sizeof live_slots[i].path);
        g_strlcpy (live_slots[i].marker, marker ? marker : "", sizeof live_slots[i].marker);
        g_atomic_int_set (&live_slots[i].state, 2);
        return i;
      }
  return -1;   /* more writers than slots: only the next start cleans up */
}

void
_ub_durable_live_remove (int *slot)
{
  if (*slot >= 0)
    g_atomic_int_set (&live_slots[*slot].state, 0);
  *slot = -1;
}

/**
 * ub_durable_remove_for_signal:
 *
 * Removes every hidden temporary name this process has open. Only
 * async-signal-safe calls: for a SIGINT or SIGTERM handler that is about
 * to _exit(). Unnamed (O_TMPFILE) files need nothing: they vanish with the
 * process.
 */
void
ub_durable_remove_for_signal (void)
{
  for (int i = 0; i < N_LIVE_SLOTS; i++)
    if (g_atomic_int_get (&live_slots[i].state) == 2)
      {
        unlink (live_slots[i].path);
        if (live_slots[i].marker[0] != '\0')
          unlink (live_slots[i].marker);
      }
}

/* The cache folder: partial outputs and the registry of hidden names. */
char *
_ub_durable_cache_subdir (const char *sub)
{
  const char *env = g_getenv ("UNBLOCK_CACHE_DIR");

  if (env != NULL && env[0] != '\0')
    return g_build_filename (env, sub, NULL);
  return g_build_filename (g_get_user_cache_dir (), "unblock", sub, NULL);
}

gboolean
_ub_durable_is_temporary_name (const char *name)
{
  const char *infix;

  if (name == NULL || name[0] != '.')
    return FALSE;
  infix = g_strrstr (name, TEMP_INFIX);
  return infix != NULL && infix > name + 1 && strlen (infix + strlen (TEMP_INFIX)) == TEMP_RANDOM;
}

/* Records that @temp is about to exist. Best effort: without a cache
 * folder the hidden name is only not found again after a crash. */
char *
_ub_durable_register_temporary (const char *temp)
{
  g_autofree char *registry = _ub_durable_cache_subdir ("temps");
  g_autofree char *absolute = g_canonicalize_filename (temp, NULL);

  if (g_mkdir_with_parents (registry, 0700) != 0)
    return NULL;

  for (guint attempt = 0; attempt < 16; attempt++)
    {
      g_autofree char *leaf = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
      g_autofree char *marker = g_build_filename (registry, leaf, NULL);

      if (symlink (absolute, marker) == 0)
        return g_steal_pointer (&marker);
      if (errno != EEXIST)
        return NULL;
    }
  return NULL;
}

void
_ub_durable_unregister_temporary (char **marker)
{
  if (*marker != NULL)
    g_unlink (*marker);
  g_clear_pointer (marker, g_free);
}

/* Removes @path if it is a hidden name no live writer holds. */
static gboolean
remove_if_abandoned (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  GStatBuf st;
  int fd;

  if (!_ub_durable_is_temporary_name (base))
    return TRUE;   /* not ours: forget the registration, touch nothing */
  if (g_lstat (path, &st) != 0)
    return errno == ENOENT;
  if (!S_ISREG (st.st_mode))
    return TRUE;

  fd = g_open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    return errno == ENOENT;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return FALSE;   /* its writer is still running */
    }
  g_unlink (path);
  close (fd);
  return TRUE;
}

/**
 * ub_durable_remove_stale:
 *
 * Removes the hidden names that writers killed half-way left behind, in
 * whatever folder they wrote to. Called once at start-up by the app and
 * the CLI; cheap when there is nothing to do.
 */
void
ub_durable_remove_stale (void)
{
  g_autofree char *registry = _ub_durable_cache_subdir ("temps");
  g_autoptr(GDir) dir = g_dir_open (registry, 0, NULL);
  const char *leaf;

  while (dir != NULL && (leaf = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *marker = g_build_filename (registry, leaf, NULL);
      g_autofree char *target = g_file_read_link (marker, NULL);

      if (target == NULL || remove_if_abandoned (target))
        g_unlink (marker);
    }
}

static gboolean
partial_name_is_valid (const char *name)
{
  if (name == NULL || name[0] == '\0' || name[0] == '.' || strlen (name) > 128)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/**
 * ub_durable_dup_partial_path:
 * @name: a name the app makes, such as "data.job.part": letters, digits,
 *   “.”, “-” and “_”, not starting with “.”
 *
 * The path of a partial output in the app's cache folder
 * (`$XDG_CACHE_HOME/unblock/partial`, or `$UNBLOCK_CACHE_DIR/partial`),
 * the folder created if missing.
 *
 * Returns: (transfer full): the path
 */
char *
ub_durable_dup_partial_path (const char *name)
{
  g_autofree char *dir = _ub_durable_cache_subdir ("partial");

  g_return_val_if_fail (partial_name_is_valid (name), NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, name, NULL);
}

/**
 * ub_durable_is_partial_path:
 * @path: a path read from anywhere
 *
 * Returns: whether @path is a name ub_durable_dup_partial_path() makes: the
 *   only files a resume or a discard may touch
 */
gboolean
ub_durable_is_partial_path (const char *path)
{
  g_autofree char *dir = _ub_durable_cache_subdir ("partial");
  g_autofree char *parent = NULL;
  g_autofree char *base = NULL;

  if (path == NULL || !g_path_is_absolute (path))
    return FALSE;
  parent = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  return g_str_equal (parent, dir) && partial_name_is_valid (base);
}

/**
 * ub_durable_remove_partial:
 * @name: a partial output's name (see ub_durable_dup_partial_path())
 *
 * Returns: %TRUE if it is gone
 */
gboolean
ub_durable_remove_partial (const char *name)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (partial_name_is_valid (name), FALSE);

  path = ub_durable_dup_partial_path (name);
  return g_unlink (path) == 0 || errno == ENOENT;
}
