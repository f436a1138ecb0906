/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ub-bench-callgrind.h"

/*
 * Instruction counts, for comparing a change before and after on a machine
 * too busy for wall times to mean much: this program runs itself once more
 * under `valgrind --tool=callgrind`, and callgrind_annotate gives each
 * named function's inclusive count of instructions. Counts depend neither
 * on load nor on the CPU's clock, only (a little) on how the two threads
 * of a workload happened to interleave.
 */

struct _UbCallgrind
{
  char  *out_file;
  char  *annotated;   /* callgrind_annotate --inclusive=yes output */
};

void
ub_callgrind_free (UbCallgrind *self)
{
  if (self == NULL)
    return;
  if (self->out_file != NULL)
    g_unlink (self->out_file);
  g_free (self->out_file);
  g_free (self->annotated);
  g_free (self);
}

/* Runs this program with @args (NULL-terminated) under callgrind. Returns
 * NULL, having said why on stdout, if valgrind is not installed or the run
 * failed. */
UbCallgrind *
ub_callgrind_run (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *valgrind = g_find_program_in_path ("valgrind");
  g_autofree char *annotate = g_find_program_in_path ("callgrind_annotate");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *out_arg = NULL;
  g_autofree char *stderr_text = NULL;
  g_autoptr(GError) error = NULL;
  UbCallgrind *self;
  int status = 0;
  int fd;

  if (valgrind == NULL || annotate == NULL || self_exe == NULL)
    {
      printf ("  instruction counts: skipped (valgrind with callgrind_annotate is not installed)\n");
      return NULL;
    }

  self = g_new0 (UbCallgrind, 1);
  fd = g_file_open_tmp ("unblock-bench-callgrind-XXXXXX", &self->out_file, &error);
  if (fd < 0)
    {
      printf ("  instruction counts: skipped (%s)\n", error->message);
      ub_callgrind_free (self);
      return NULL;
    }
  close (fd);

  out_arg = g_strdup_printf ("--callgrind-out-file=%s", self->out_file);
  g_ptr_array_add (argv, g_strdup (valgrind));
  g_ptr_array_add (argv, g_strdup ("--tool=callgrind"));
  g_ptr_array_add (argv, g_strdup (out_arg));
  g_ptr_array_add (argv, g_strdup (self_exe));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &stderr_text, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      printf ("  instruction counts: skipped (callgrind run failed: %s)\n", error->message);
      ub_callgrind_free (self);
      return NULL;
    }

  {
    const char *annotate_argv[] = { annotate, "--inclusive=yes", "--threshold=100",
                                    self->out_file, NULL };

    g_clear_error (&error);
    if (!g_spawn_sync (NULL, (char **) annotate_argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, &self->annotated, NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      {
        printf ("  instruction counts: skipped (callgrind_annotate failed: %s)\n",
                error->message);
        ub_callgrind_free (self);
        return NULL;
      }
  }

  return self;
}

/* The inclusive instruction count of @function (as named in this
 * program's symbols; a compiler's ".isra"/".part" clone counts too), or
 * 0 if it never ran. */
guint64
ub_callgrind_inclusive (UbCallgrind *self,
                        const char  *function)
{
  g_auto(GStrv) lines = g_strsplit (self->annotated, "\n", -1);
  g_autofree char *colon_name = g_strconcat (":", function, NULL);
  guint64 best = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *at = strstr (line, colon_name);
      char after;
      guint64 count = 0;

      if (at == NULL)
        continue;
      after = at[strlen (colon_name)];
      if (after != ' ' && after != '.' && after != '\0')
        continue;

      /* "  1,234,567 (12.34%)  file:function [object]" */
      for (const char *p = line; *p == ' ' || g_ascii_isdigit (*p) || *p == ','; p++)
        if (g_ascii_isdigit (*p))
          count = count * 10 + (guint64) (*p - '0');
      best = MAX (best, count);
    }

  return best;
}
