package org.inwardportal.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;
import javax.imageio.ImageIO;

/**
 * A small line chart drawn with Java2D into a PNG (headless): axes with given ticks, each axis
 * linear or through a transform (log, "nines"), series of points, a legend. Just enough for the
 * load harness's plots, without a charting dependency.
 */
final class Chart {
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final int W = 900, H = 560, LEFT = 80, RIGHT = 30, TOP = 50, BOTTOM = 80;

    record Axis(String label, double min, double max, DoubleUnaryOperator transform, double[] ticks, DoubleFunction<String> tickLabel) {
        static Axis linear(String label, double min, double max, double[] ticks) {
            return new Axis(label, min, max, v -> v, ticks, Chart::number);
        }

        static Axis log(String label, double min, double max) {
            List<Double> t = new ArrayList<>();
            for (double d = Math.pow(10, Math.floor(Math.log10(min))); d <= max * 1.0001; d *= 10) {
                if (d >= min * 0.9999) t.add(d);
            }
            return new Axis(label, min, max, Math::log10, t.stream().mapToDouble(Double::doubleValue).toArray(), Chart::number);
        }

        double position(double v) {
            double lo = transform.applyAsDouble(min), hi = transform.applyAsDouble(max);
            return (transform.applyAsDouble(Math.max(min, Math.min(max, v))) - lo) / (hi - lo);
        }
    }

    record Series(String name, List<double[]> points, Color color, boolean dashed, boolean markers) {
    }

    private final String title;
    private final Axis x, y;
    private final List<Series> series = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Chart(String title, Axis x, Axis y) {
        this.title = title;
        this.x = x;
        this.y = y;
    }

    Chart add(Series s) {
        series.add(s);
        return this;
    }

    Chart note(String line) {
        notes.add(line);
        return this;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        if (Math.abs(v) >= 0.1) return String.format(java.util.Locale.ROOT, "%.1f", v);
        if (Math.abs(v) >= 0.01) return String.format(java.util.Locale.ROOT, "%.2f", v);
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    BufferedImage draw() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double t : x.ticks()) {
            int px = LEFT + (int) Math.round(x.position(t) * pw);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, TOP, px, TOP + ph);
            g.setColor(Color.DARK_GRAY);
            String s = x.tickLabel().apply(t);
            g.drawString(s, px - g.getFontMetrics().stringWidth(s) / 2, TOP + ph + 18);
        }
        for (double t : y.ticks()) {
            int py = TOP + ph - (int) Math.round(y.position(t) * ph);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, LEFT + pw, py);
            g.setColor(Color.DARK_GRAY);
            String s = y.tickLabel().apply(t);
            g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), py + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(x.label(), LEFT + pw / 2 - g.getFontMetrics().stringWidth(x.label()) / 2, TOP + ph + 38);
        var old = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(y.label(), -(TOP + ph / 2) - g.getFontMetrics().stringWidth(y.label()) / 2, 22);
        g.setTransform(old);
        var clip = g.getClip();
        g.clipRect(LEFT, TOP, pw + 1, ph + 1);
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f)
                    : new BasicStroke(2f));
            Path2D.Double path = new Path2D.Double();
            boolean first = true;
            for (double[] p : s.points()) {
                double px = LEFT + x.position(p[0]) * pw, py = TOP + ph - y.position(p[1]) * ph;
                if (first) path.moveTo(px, py);
                else path.lineTo(px, py);
                first = false;
                if (s.markers()) g.fillOval((int) px - 4, (int) py - 4, 8, 8);
            }
            g.draw(path);
        }
        g.setClip(clip);
        g.setStroke(new BasicStroke(1f));
        int ly = TOP + 16;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f)
                    : new BasicStroke(2f));
            g.drawLine(LEFT + 12, ly - 4, LEFT + 40, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + 46, ly);
            ly += 17;
        }
        g.setColor(Color.DARK_GRAY);
        int ny = H - 8;
        for (String n : notes.reversed()) {
            g.drawString(n, LEFT, ny);
            ny -= 14;
        }
        g.dispose();
        return img;
    }

    void write(Path file) throws IOException {
        ImageIO.write(draw(), "png", file.toFile());
    }
}
