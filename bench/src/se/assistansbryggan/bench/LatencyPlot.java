package se.assistansbryggan.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;

/** A latency-by-percentile plot (PNG) a person can look at: one line per load mode. */
final class LatencyPlot {
    private static final double[] PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 100};
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private LatencyPlot() {}

    static void write(Map<String, Histogram> series, Path png) throws IOException {
        int w = 900;
        int h = 520;
        int left = 80;
        int bottom = 60;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double maxMs = series.values().stream().mapToDouble(s -> s.getMaxValue() / 1e6).max().orElse(1);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("Assistansbryggan: latency from send to receipt, by percentile (ms)", left, 25);
        g.drawLine(left, h - bottom, w - 20, h - bottom);
        g.drawLine(left, 40, left, h - bottom);
        for (int i = 0; i < PERCENTILES.length; i++) {
            int x = left + i * (w - left - 40) / (PERCENTILES.length - 1);
            g.drawString("p" + trim(PERCENTILES[i]), x - 12, h - bottom + 20);
        }
        for (int t = 0; t <= 5; t++) {
            int y = h - bottom - t * (h - bottom - 50) / 5;
            g.drawString(String.format("%.1f", maxMs * t / 5), 20, y + 4);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left + 1, y, w - 20, y);
            g.setColor(Color.BLACK);
        }
        int c = 0;
        for (var entry : series.entrySet()) {
            g.setColor(COLORS[c % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < PERCENTILES.length; i++) {
                double ms = entry.getValue().getValueAtPercentile(PERCENTILES[i]) / 1e6;
                int x = left + i * (w - left - 40) / (PERCENTILES.length - 1);
                int y = h - bottom - (int) (ms / maxMs * (h - bottom - 50));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString(entry.getKey(), w - 300, 60 + 20 * c);
            c++;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p);
    }
}
