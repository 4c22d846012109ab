/* Cold start to first painted frame, for tests/bench/desktop.sh.
 *
 * Forks and execs the app, then grabs a region of the X screen (XGetImage on the root window of an
 * Xvfb display) every 2 ms until the region shows at least N distinct colours: rendered page content
 * (text, images) rather than an empty or single-colour surface. Prints "<pid> <milliseconds>" (time
 * from just before exec to the first such grab) and exits, leaving the app running for the memory
 * measurement.
 *
 *   desktop-firstpaint X Y W H MIN_COLOURS TIMEOUT_MS -- command [args...]
 *
 * With FIRSTPAINT_PPM=file it also writes the detected frame (the grabbed region) as a PPM image, to
 * look at what counted as the first frame.
 */
#define _POSIX_C_SOURCE 200809L
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void write_ppm(const char *path, XImage *img) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fprintf(f, "P6\n%d %d\n255\n", img->width, img->height);
  for (int y = 0; y < img->height; y++) {
    for (int x = 0; x < img->width; x++) {
      unsigned long p = XGetPixel(img, x, y);
      unsigned char rgb[3] = {(p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff};
      fwrite(rgb, 1, 3, f);
    }
  }
  fclose(f);
}

/* Counts distinct colours (up to `cap`) among every 3rd pixel of every 3rd row. */
static int colours(XImage *img, int cap) {
  unsigned long seen[256];
  int n = 0;
  for (int y = 0; y < img->height; y += 3) {
    for (int x = 0; x < img->width; x += 3) {
      unsigned long p = XGetPixel(img, x, y) & 0xffffff;
      int found = 0;
      for (int i = 0; i < n; i++) {
        if (seen[i] == p) { found = 1; break; }
      }
      if (!found) {
        seen[n++] = p;
        if (n >= cap || n >= 256) return n;
      }
    }
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 9 || strcmp(argv[7], "--") != 0) {
    fprintf(stderr, "usage: %s X Y W H MIN_COLOURS TIMEOUT_MS -- command [args...]\n", argv[0]);
    return 2;
  }
  int x = atoi(argv[1]), y = atoi(argv[2]), w = atoi(argv[3]), h = atoi(argv[4]);
  int min_colours = atoi(argv[5]);
  double timeout = atof(argv[6]);
  Display *d = XOpenDisplay(NULL);
  if (!d) { fprintf(stderr, "cannot open display\n"); return 2; }
  Window root = DefaultRootWindow(d);

  double t0 = now_ms();
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 2; }
  if (pid == 0) {
    /* The app must not hold our stdout: the caller reads it until it closes. */
    dup2(2, 1);
    execvp(argv[8], &argv[8]);
    perror("exec");
    _exit(127);
  }
  for (;;) {
    XImage *img = XGetImage(d, root, x, y, (unsigned)w, (unsigned)h, AllPlanes, ZPixmap);
    double t = now_ms() - t0;
    if (img) {
      int n = colours(img, min_colours);
      if (n >= min_colours && getenv("FIRSTPAINT_PPM")) write_ppm(getenv("FIRSTPAINT_PPM"), img);
      XDestroyImage(img);
      if (n >= min_colours) {
        printf("%d %.1f\n", (int)pid, t);
        return 0;
      }
    }
    if (t > timeout) {
      printf("%d timeout\n", (int)pid);
      return 1;
    }
    struct timespec pause = {0, 2000000};
    nanosleep(&pause, NULL);
  }
}
